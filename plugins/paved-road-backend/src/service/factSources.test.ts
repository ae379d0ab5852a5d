import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  PavedRoadFactSource,
  pavedRoadFactSourcesExtensionPoint,
} from '@paved-road/backstage-plugin-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { pavedRoadPlugin } from '../plugin';
import { collectFacts } from './factSources';

// Backends start in-process; give them room on a loaded 2-core machine.
jest.setTimeout(60_000);

const component = (name: string, annotations: Record<string, string> = {}) =>
  ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  } satisfies Entity);

/** A source that fails with `message`, as a team's source might. */
const failingWith = (message: string): PavedRoadFactSource => ({
  id: 'cache',
  description: 'Reads a cache file',
  async collect() {
    throw new Error(message);
  },
});

describe('collectFacts', () => {
  it('keeps server paths out of the errors it records, whatever a source says', async () => {
    const cases: Array<[string, string]> = [
      [
        "ENOENT: no such file or directory, open '/srv/backstage/cache/cart-api.json'",
        "ENOENT: no such file or directory, open '<server path>'",
      ],
      [
        'cannot read file:///var/lib/paved-road/x.yaml (at /var/lib/paved-road)',
        'cannot read <server path> (at <server path>)',
      ],
      [
        "EPERM: operation not permitted, scandir 'C:\\Users\\backstage\\repos\\cart-api'",
        "EPERM: operation not permitted, scandir '<server path>'",
      ],
      // URLs, entity refs, ratios and patterns are not server paths.
      [
        'https://github.com/acme/cart-api/tree/main could not be read for component:default/cart-api; 3 / 4 done; name must match /^[a-z]+$/',
        'https://github.com/acme/cart-api/tree/main could not be read for component:default/cart-api; 3 / 4 done; name must match /^[a-z]+$/',
      ],
    ];
    for (const [message, recorded] of cases) {
      const { errors } = await collectFacts(
        [failingWith(message)],
        component('cart-api'),
      );
      expect(errors).toEqual({ cache: recorded });
    }
  });
});

describe('fact source errors, as the backend answers them', () => {
  let repos: string;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  const registeredFrom = (name: string) =>
    component(name, {
      'backstage.io/managed-by-location': `file:${path.join(
        repos,
        name,
        'catalog-info.yaml',
      )}`,
    });

  beforeAll(async () => {
    repos = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-repos-'));
    await fs.mkdir(path.join(repos, 'cart-api'));
    await fs.writeFile(
      path.join(repos, 'cart-api', 'Dockerfile'),
      'FROM node:22.3-alpine\nUSER node\n',
    );
    const teamModule = createBackendModule({
      pluginId: 'paved-road',
      moduleId: 'test-cache-source',
      register(env) {
        env.registerInit({
          deps: { sources: pavedRoadFactSourcesExtensionPoint },
          async init({ sources }) {
            sources.addFactSource({
              ...failingWith(
                `ENOENT: no such file or directory, open '${repos}/cache.json'`,
              ),
              appliesTo: entity => entity.metadata.name === 'ledger-api',
            });
          },
        });
      },
    });
    ({ server } = await startTestBackend({
      features: [
        pavedRoadPlugin,
        mockServices.rootConfig.factory({ data: {} }),
        teamModule,
        catalogServiceMock.factory({
          entities: [registeredFrom('cart-api'), registeredFrom('ledger-api')],
        }),
      ],
    }));
  });
  afterAll(() => fs.rm(repos, { recursive: true, force: true }));

  const get = (url: string) =>
    request(server)
      .get(`/api/paved-road${url}`)
      .set('Authorization', mockCredentials.user.header());

  it('GET /facts names what is wrong without the server’s paths', async () => {
    const res = await get('/facts/component/default/ledger-api');
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual({
      repository:
        "the repository folder of component:default/ledger-api (from its annotation 'backstage.io/managed-by-location') does not exist",
      cache: "ENOENT: no such file or directory, open '<server path>'",
    });
    expect(JSON.stringify(res.body.errors)).not.toContain(repos);
  });

  it('marks results stale with a reason that names no server path', async () => {
    const evaluate = () =>
      request(server)
        .post('/api/paved-road/evaluate')
        .set('Authorization', mockCredentials.service.header())
        .send({ entityRef: 'component:default/cart-api' });
    expect((await evaluate()).status).toBe(200);
    const fresh = await get('/entities/component/default/cart-api/scorecards');
    expect(fresh.body.entity).toMatchObject({ stale: false });

    // The repository folder goes away: the last results are kept, marked stale.
    await fs.rm(path.join(repos, 'cart-api'), { recursive: true });
    expect((await evaluate()).status).toBe(200);
    const stale = await get('/entities/component/default/cart-api/scorecards');
    expect(stale.body.entity).toMatchObject({
      stale: true,
      staleReason:
        "fact source 'repository' failed: the repository folder of component:default/cart-api (from its annotation 'backstage.io/managed-by-location') does not exist",
    });
  });
});
