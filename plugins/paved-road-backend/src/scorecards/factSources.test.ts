import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createOwnerFactSource } from './ownerFactSource';
import { platformToolFactSource } from './platformToolFactSource';
import { createRepositoryFactSource } from './repositoryFactSource';

const component = (
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
  relations: Entity['relations'] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'tool', namespace: 'default', annotations },
  spec: { type: 'library', lifecycle: 'production', ...spec },
  relations,
});

describe('owner fact source', () => {
  const group: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform', namespace: 'default' },
    spec: { type: 'team', children: [] },
  };
  const source = createOwnerFactSource({
    catalog: catalogServiceMock({ entities: [group] }),
    auth: mockServices.auth(),
  });

  it('resolves the ownedBy relation, or spec.owner, in the catalog', async () => {
    await expect(
      source.collect({
        entity: component({ owner: 'platform' }, {}, [
          { type: 'ownedBy', targetRef: 'group:default/platform' },
        ]),
      }),
    ).resolves.toEqual({
      ref: 'group:default/platform',
      kind: 'group',
      exists: true,
    });
    await expect(
      source.collect({ entity: component({ owner: 'user:derek.olsen' }) }),
    ).resolves.toEqual({
      ref: 'user:default/derek.olsen',
      kind: 'user',
      exists: false,
    });
    await expect(source.collect({ entity: component({}) })).resolves.toEqual({
      ref: null,
      kind: null,
      exists: false,
    });
  });
});

describe('platformTool fact source', () => {
  const tool = (annotations: Record<string, string>) =>
    component({}, { 'paved-road.io/platform-tool': 'true', ...annotations }, [
      { type: 'dependencyOf', targetRef: 'component:default/a' },
      { type: 'dependencyOf', targetRef: 'component:default/b' },
      { type: 'dependsOn', targetRef: 'component:default/c' },
    ]);

  it('applies to platform tools only', () => {
    expect(platformToolFactSource.appliesTo!(tool({}))).toBe(true);
    expect(platformToolFactSource.appliesTo!(component({}))).toBe(false);
  });

  it('puts declared answers next to measured consumers', async () => {
    await expect(
      platformToolFactSource.collect({
        entity: tool({
          'paved-road.io/wrapper-test':
            '{"hoursSavedPerService":12,"stepsRemoved":7,"errorsPrevented":["a","b",""],"operationalBenefit":"dead-letter topics"}',
          'paved-road.io/deprecation-policy':
            'https://docs.example/deprecation',
        }),
      }),
    ).resolves.toEqual({
      declared: true,
      hoursSavedPerService: 12,
      stepsRemoved: 7,
      errorsPrevented: 2,
      operationalBenefit: 'dead-letter topics',
      consumers: 2,
      measuredHoursSaved: 24,
      hasDeprecationPolicy: true,
      version: null,
      semver: null,
    });
    await expect(
      platformToolFactSource.collect({ entity: tool({}) }),
    ).resolves.toMatchObject({
      declared: false,
      hoursSavedPerService: null,
      measuredHoursSaved: null,
      consumers: 2,
      hasDeprecationPolicy: false,
    });
  });

  it('fails on a malformed wrapper-test annotation, naming entity and annotation', async () => {
    await expect(
      platformToolFactSource.collect({
        entity: tool({ 'paved-road.io/wrapper-test': '{hours: 3}' }),
      }),
    ).rejects.toThrow(
      "component:default/tool: annotation 'paved-road.io/wrapper-test' must be a JSON object, got '{hours: 3}'",
    );
  });
});

describe('repository fact source', () => {
  const source = createRepositoryFactSource({
    urlReader: mockServices.urlReader.mock(),
  });
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-repo-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  /** A component registered from `<folder>/catalog-info.yaml`. */
  const registeredFrom = (folder: string) =>
    component(
      {},
      {
        'backstage.io/managed-by-location': `file:${path.join(
          folder,
          'catalog-info.yaml',
        )}`,
      },
    );

  it('reads the repository folder of a file location', async () => {
    await fs.writeFile(
      path.join(dir, 'Dockerfile'),
      'FROM node:22.3-alpine\nUSER node\n',
    );
    await expect(
      source.collect({ entity: registeredFrom(dir) }),
    ).resolves.toMatchObject({ dockerfile: { present: true, nonRoot: true } });
  });

  it('names a missing repository folder by entity and annotation, not by the server’s path', async () => {
    const error = await source
      .collect({ entity: registeredFrom(path.join(dir, 'gone')) })
      .then(
        () => undefined,
        e => e,
      );
    expect(error?.message).toBe(
      "the repository folder of component:default/tool (from its annotation 'backstage.io/managed-by-location') does not exist",
    );
  });

  it('names a repository "folder" that is a file', async () => {
    await fs.writeFile(path.join(dir, 'file'), '');
    const error = await source
      .collect({ entity: registeredFrom(path.join(dir, 'file')) })
      .then(
        () => undefined,
        e => e,
      );
    expect(error?.message).toBe(
      "the repository folder of component:default/tool (from its annotation 'backstage.io/managed-by-location') is not a folder",
    );
  });
});
