import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { RepositoryFacts } from '@paved-road/backstage-plugin-common';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const examples = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  '../../examples',
);

/**
 * The golden-path templates as the catalog holds them: name, version and the time each run
 * saves, read from templates/<name>.yaml (the versions examples/README.md names as
 * latest).
 */
export const exampleTemplates: Entity[] = [
  'api-service',
  'worker',
  'cron-job',
  'platform-tool',
].map(name => {
  const template = parseAllDocuments(
    fs.readFileSync(
      path.join(examples, '..', 'templates', `${name}.yaml`),
      'utf8',
    ),
  )[0].toJSON();
  const annotations = template.metadata.annotations;
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name,
      namespace: 'default',
      tags: ['golden-path'],
      annotations: {
        'backstage.io/template-version':
          annotations['backstage.io/template-version'],
        'backstage.io/time-saved': annotations['backstage.io/time-saved'],
      },
    },
    spec: { type: 'service', steps: [] },
  };
});

/**
 * Loads examples/*.yaml and examples/repos/<name>/catalog-info.yaml, with the relations
 * the catalog's built-in processor would add (ownedBy, partOf, dependsOn/dependencyOf).
 */
export function loadExampleOrganisation(): Entity[] {
  const files = [
    ...fs
      .readdirSync(examples)
      .filter(f => f.endsWith('.yaml'))
      .map(f => path.join(examples, f)),
    ...fs
      .readdirSync(path.join(examples, 'repos'))
      .map(r => path.join(examples, 'repos', r, 'catalog-info.yaml')),
  ];
  const entities = files.flatMap(file =>
    parseAllDocuments(fs.readFileSync(file, 'utf8'))
      .map(doc => doc.toJS() as Entity)
      .filter(Boolean)
      .map(e => ({
        ...e,
        metadata: { namespace: 'default', ...e.metadata },
        relations: [] as NonNullable<Entity['relations']>,
      })),
  );
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const relate = (
    source: Entity,
    type: string,
    target: string,
    defaultKind?: string,
  ) => {
    const targetRef = stringifyEntityRef(
      parseEntityRef(target, { defaultKind, defaultNamespace: 'default' }),
    );
    source.relations!.push({ type, targetRef });
    return targetRef;
  };
  for (const entity of entities) {
    const spec = (entity.spec ?? {}) as Record<string, any>;
    if (spec.owner) relate(entity, 'ownedBy', spec.owner, 'group');
    if (entity.kind === 'Component' && spec.system) {
      relate(entity, 'partOf', spec.system, 'system');
    }
    for (const target of spec.dependsOn ?? []) {
      const targetRef = relate(entity, 'dependsOn', target);
      byRef.get(targetRef)?.relations!.push({
        type: 'dependencyOf',
        targetRef: stringifyEntityRef(entity),
      });
    }
  }
  return entities;
}

/** The example org as the catalog holds it: the six repos registered from their folders. */
export function exampleCatalog(): Entity[] {
  return [...loadExampleOrganisation(), ...exampleTemplates].map(entity => {
    const repo = entity.metadata.annotations?.['paved-road.io/repo-path'];
    if (!repo) return entity;
    entity.metadata.annotations![
      'backstage.io/managed-by-location'
    ] = `file:${path.join(
      examples,
      'repos',
      entity.metadata.name,
      'catalog-info.yaml',
    )}`;
    return entity;
  });
}

const complete: RepositoryFacts = {
  dockerfile: { present: true, nonRoot: true, pinnedBase: true },
  kubernetes: {
    probes: { liveness: true, readiness: true, startup: true },
    resources: { requests: true, limits: true },
    networkPolicy: true,
    pinnedImage: true,
    runAsNonRoot: true,
  },
  ci: { present: true, stages: ['build', 'test', 'scan', 'image', 'deploy'] },
  docs: { mkdocs: true, quickstart: true, failureModes: true },
  alerts: { present: false },
};

/**
 * Repository facts of the six example repositories, transcribed from the "Example
 * repositories" table of examples/README.md and the files under examples/repos/ (pinned
 * means a version tag or digest, as the pinned-images guardrail defines it). Replace with
 * the repository fact source's output once it exists.
 */
export const exampleRepositoryFacts: Record<string, RepositoryFacts> = {
  // The golden paths' output (api-service 2.4.0, worker 1.4.0, api-service 2.3.0),
  // alert rules included.
  'orders-api': { ...complete, alerts: { present: true } },
  'search-indexer': { ...complete, alerts: { present: true } },
  // The Payments team deleted the failure-modes page.
  'payments-api': {
    ...complete,
    docs: { mkdocs: true, quickstart: true, failureModes: false },
    alerts: { present: true },
  },
  'legacy-checkout': {
    dockerfile: { present: true, nonRoot: false, pinnedBase: true },
    kubernetes: {
      probes: { liveness: true, readiness: false, startup: false },
      resources: { requests: false, limits: false },
      networkPolicy: false,
      pinnedImage: false,
      runAsNonRoot: false,
    },
    ci: { present: true, stages: ['build', 'image', 'deploy'] },
    docs: { mkdocs: true, quickstart: false, failureModes: false },
    alerts: { present: false },
  },
  'payments-ledger': {
    dockerfile: { present: true, nonRoot: false, pinnedBase: true },
    kubernetes: {
      probes: { liveness: true, readiness: false, startup: false },
      resources: { requests: true, limits: false },
      networkPolicy: false,
      pinnedImage: true,
      runAsNonRoot: false,
    },
    ci: { present: false, stages: [] },
    docs: { mkdocs: false, quickstart: false, failureModes: false },
    alerts: { present: false },
  },
  'notification-dispatcher': {
    dockerfile: { present: true, nonRoot: true, pinnedBase: true },
    kubernetes: {
      probes: { liveness: true, readiness: true, startup: false },
      resources: { requests: true, limits: false },
      networkPolicy: false,
      pinnedImage: true,
      runAsNonRoot: true,
    },
    ci: { present: true, stages: ['build', 'test', 'image', 'deploy'] },
    docs: { mkdocs: true, quickstart: false, failureModes: false },
    alerts: { present: false },
  },
};
