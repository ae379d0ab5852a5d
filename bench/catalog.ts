/*
 * The benchmarks' synthetic catalog: a deterministic organisation of N entities (60 teams
 * in 8 departments, 120 systems in 12 domains, the 4 golden-path templates and components with a
 * realistic mix of provenance, template versions, escape hatches, docs and orphaned
 * owners), and a CatalogService that serves it from memory, so the figures are the
 * measured plugin's own cost rather than the catalog's.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';

/** A small deterministic PRNG, so every run benchmarks the same catalog. */
export function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const TEMPLATES: Array<[string, string, string[]]> = [
  ['api-service', '2.3.0', ['2.3.0', '2.2.1', '2.0.0', '1.10.0', '1.8.0']],
  ['worker', '1.4.0', ['1.4.0', '1.3.2', '1.2.0']],
  ['cron-job', '1.2.0', ['1.2.0', '1.1.0', '1.0.0']],
  ['platform-tool', '1.1.0', ['1.1.0']],
];

export function syntheticCatalog(size: number): Entity[] {
  const rnd = random(42);
  const pick = <T>(items: T[]) => items[Math.floor(rnd() * items.length)];
  const entities: Entity[] = [];
  const teams = Array.from({ length: 60 }, (_, i) => `team-${i}`);
  const departments = Array.from({ length: 8 }, (_, i) => `department-${i}`);
  const systems = Array.from({ length: 120 }, (_, i) => `system-${i}`);
  entities.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'org', namespace: 'default', etag: 'org' },
    spec: { type: 'organization', children: departments },
  });
  departments.forEach((name, d) =>
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default', etag: name },
      spec: {
        type: 'department',
        parent: 'org',
        children: teams.filter((_, t) => t % departments.length === d),
      },
    }),
  );
  teams.forEach((name, t) =>
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default', etag: name },
      spec: {
        type: 'team',
        parent: departments[t % departments.length],
        children: [],
      },
    }),
  );
  const domains = Array.from({ length: 12 }, (_, i) => `domain-${i}`);
  domains.forEach(name =>
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: { name, namespace: 'default', etag: name },
      spec: { owner: `group:default/${departments[0]}` },
    }),
  );
  // Two systems per team, each in a domain; a team's components are mostly in its own.
  const systemsOf = new Map<string, string[]>();
  systems.forEach((name, i) => {
    const owner = `group:default/${teams[i % teams.length]}`;
    systemsOf.set(owner, [...(systemsOf.get(owner) ?? []), name]);
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name, namespace: 'default', etag: name },
      spec: { owner, domain: domains[i % domains.length] },
    });
  });
  for (const [name, version] of TEMPLATES) {
    entities.push({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: {
        name,
        namespace: 'default',
        etag: name,
        tags: ['golden-path'],
        annotations: {
          'backstage.io/template-version': version,
          'backstage.io/time-saved': 'PT40H',
        },
      },
      spec: { owner: 'group:default/team-0', type: 'service', steps: [] },
    });
  }
  while (entities.length < size) {
    const i = entities.length;
    const owner =
      rnd() < 0.03 ? 'group:default/gone' : `group:default/${pick(teams)}`;
    const type = pick(['service', 'service', 'worker', 'cron-job', 'library']);
    const annotations: Record<string, string> = {};
    if (rnd() < 0.6) {
      const [template, , versions] =
        type === 'worker'
          ? TEMPLATES[1]
          : type === 'cron-job'
          ? TEMPLATES[2]
          : TEMPLATES[0];
      annotations[
        'backstage.io/source-template'
      ] = `template:default/${template}`;
      annotations['backstage.io/template-version'] = pick(versions);
      annotations['paved-road.io/scaffolded-at'] = '2026-03-14T09:12:00Z';
      if (rnd() < 0.05) {
        annotations['paved-road.io/escape-hatches'] = JSON.stringify([
          { guardrail: 'network-policy', reason: `Partner egress, PAY-${i}` },
        ]);
      }
    }
    if (rnd() < 0.7) annotations['backstage.io/techdocs-ref'] = 'dir:.';
    if (type === 'library' && rnd() < 0.3) {
      annotations['paved-road.io/platform-tool'] = 'true';
      annotations['paved-road.io/wrapper-test'] = JSON.stringify({
        hoursSavedPerService: Math.round(rnd() * 20),
        stepsRemoved: Math.round(rnd() * 6),
        errorsPrevented: ['x'],
        operationalBenefit: 'tracing and retries',
      });
    }
    const system =
      rnd() < 0.9
        ? `system:default/${
            rnd() < 0.8 && systemsOf.has(owner)
              ? pick(systemsOf.get(owner)!)
              : pick(systems)
          }`
        : undefined;
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `component-${i}`,
        namespace: 'default',
        etag: `etag-${i}`,
        annotations,
      },
      spec: {
        type,
        owner,
        lifecycle: pick(['production', 'production', 'experimental']),
        ...(system ? { system } : {}),
      },
      // As the catalog's processors relate them.
      relations: [
        { type: 'ownedBy', targetRef: owner },
        ...(system ? [{ type: 'partOf', targetRef: system }] : []),
      ],
    });
  }
  return entities;
}

type Filter = Record<string, string | symbol | (string | symbol)[]>;

function valuesAt(entity: Entity, path: string): unknown[] {
  let values: unknown[] = [entity];
  for (const part of path.split('.')) {
    values = values.flatMap(v =>
      v && typeof v === 'object' ? [(v as any)[part]].flat() : [],
    );
  }
  return values.filter(v => v !== undefined);
}

/** The catalog's filter semantics: any filter object may match; every key must match. */
function matches(entity: Entity, filter?: Filter | Filter[]): boolean {
  if (!filter) return true;
  const filters = Array.isArray(filter) ? filter : [filter];
  return filters.some(f =>
    Object.entries(f).every(([key, expected]) => {
      const actual = valuesAt(entity, key).map(v =>
        String(v).toLocaleLowerCase('en-US'),
      );
      const wanted = [expected].flat();
      return wanted.some(w =>
        typeof w === 'symbol'
          ? actual.length > 0
          : actual.includes(w.toLocaleLowerCase('en-US')),
      );
    }),
  );
}

/** Only these (dotted) fields of the entity, as the catalog answers `fields`. */
function project(entity: Entity, fields: string[]): Entity {
  const out: Record<string, any> = {};
  for (const field of fields) {
    const parts = field.split('.');
    let from: any = entity;
    let to = out;
    for (const [i, part] of parts.entries()) {
      if (from === null || typeof from !== 'object' || !(part in from)) break;
      if (i === parts.length - 1) {
        to[part] = from[part];
      } else {
        to = to[part] ??= {};
        from = from[part];
      }
    }
  }
  return out as Entity;
}

/** A filter on `kind` alone (as the catalog index asks): the kinds, in lower case. */
function kindsOnly(filter?: Filter | Filter[]): string[] | undefined {
  if (!filter || Array.isArray(filter)) return undefined;
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== 'kind') return undefined;
  const kinds = [filter.kind].flat();
  return kinds.every(k => typeof k === 'string')
    ? kinds.map(k => String(k).toLocaleLowerCase('en-US'))
    : undefined;
}

/**
 * The read side of the CatalogService interface over an in-memory entity list: what the
 * benchmarked plugins call. Writes and locations are not part of a benchmark. The
 * entities are held as JSON text, as a catalog's database holds them, and parsed when
 * read, as a catalog client parses the catalog's answers: held as objects, 100,000
 * entities would be the largest part of the backend process's live heap, which its
 * garbage collector would mark again and again, a cost a deployed backend (whose catalog
 * lives elsewhere) does not have. `update` edits one entity, as a catalog refresh would.
 */
export function inProcessCatalog(entities: Entity[]) {
  const rows = entities.map(e => ({
    ref: stringifyEntityRef(e),
    kind: e.kind.toLocaleLowerCase('en-US'),
    json: JSON.stringify(e),
  }));
  type Row = (typeof rows)[number];
  const byRef = new Map(rows.map(r => [r.ref, r]));
  const read = (row: Row | undefined) =>
    row ? (JSON.parse(row.json) as Entity) : undefined;
  const select = (filter?: Filter | Filter[]): Row[] => {
    if (!filter) return rows;
    const kinds = kindsOnly(filter);
    return kinds
      ? rows.filter(r => kinds.includes(r.kind))
      : rows.filter(r => matches(read(r)!, filter));
  };
  const readAll = (selected: Row[], fields?: string[]) =>
    selected.map(r => (fields ? project(read(r)!, fields) : read(r)!));
  const unsupported = (name: string) => async () => {
    throw new Error(`The benchmark catalog does not support ${name}`);
  };
  return {
    update(ref: string, edit: (entity: Entity) => void) {
      const row = byRef.get(ref);
      if (!row) throw new Error(`No entity ${ref}`);
      const entity = read(row)!;
      edit(entity);
      row.json = JSON.stringify(entity);
    },
    async *streamEntities(request?: {
      filter?: Filter;
      pageSize?: number;
      fields?: string[];
    }) {
      const selected = select(request?.filter);
      const size = request?.pageSize ?? 500;
      for (let i = 0; i < selected.length; i += size) {
        yield readAll(selected.slice(i, i + size), request?.fields);
      }
    },
    async getEntities(request?: {
      filter?: Filter;
      limit?: number;
      offset?: number;
    }) {
      const selected = select(request?.filter);
      const offset = request?.offset ?? 0;
      return {
        items: readAll(
          selected.slice(
            offset,
            request?.limit !== undefined ? offset + request.limit : undefined,
          ),
        ),
      };
    },
    async getEntityByRef(ref: string | { kind: string; name: string }) {
      return read(
        byRef.get(
          typeof ref === 'string'
            ? ref.toLocaleLowerCase('en-US')
            : stringifyEntityRef(ref),
        ),
      );
    },
    async getEntitiesByRefs(request: { entityRefs: string[] }) {
      return { items: request.entityRefs.map(r => read(byRef.get(r))) };
    },
    async queryEntities(request?: {
      filter?: Filter;
      limit?: number;
      cursor?: string;
    }) {
      const selected = select(request?.filter);
      const offset = request?.cursor ? Number(request.cursor) : 0;
      const limit = request?.limit ?? 500;
      const items = readAll(selected.slice(offset, offset + limit));
      const next = offset + limit < selected.length;
      return {
        items,
        totalItems: selected.length,
        pageInfo: next ? { nextCursor: String(offset + limit) } : {},
      };
    },
    async getEntityAncestors(request: { entityRef: string }) {
      const entity = read(byRef.get(request.entityRef));
      if (!entity) throw new Error(`No entity ${request.entityRef}`);
      return {
        rootEntityRef: request.entityRef,
        items: [{ entity, parentEntityRefs: [] }],
      };
    },
    getEntityFacets: unsupported('getEntityFacets'),
    getLocations: unsupported('getLocations'),
    getLocationById: unsupported('getLocationById'),
    getLocationByRef: unsupported('getLocationByRef'),
    getLocationByEntity: unsupported('getLocationByEntity'),
    addLocation: unsupported('addLocation'),
    removeLocationById: unsupported('removeLocationById'),
    removeEntityByUid: unsupported('removeEntityByUid'),
    refreshEntity: unsupported('refreshEntity'),
    validateEntity: unsupported('validateEntity'),
    analyzeLocation: unsupported('analyzeLocation'),
  };
}

/** The benchmark's in-process catalog. */
export type InProcessCatalog = ReturnType<typeof inProcessCatalog>;

/** Overrides the backend's CatalogService with an {@link inProcessCatalog}. */
export function inProcessCatalogServiceFactory(catalog: InProcessCatalog) {
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalog as any,
  });
}

/**
 * A catalog module that puts the synthetic organisation's groups and systems into the
 * backend's real catalog, for the frontend (the dashboard reads the group tree from it).
 */
export function orgEntityProviderModule(entities: Entity[]) {
  const org = entities
    .filter(e => e.kind === 'Group' || e.kind === 'System')
    .map(e => {
      const { etag, ...metadata } = e.metadata;
      return {
        ...e,
        metadata: {
          ...metadata,
          annotations: {
            ...metadata.annotations,
            'backstage.io/managed-by-location': 'url:https://bench.invalid/org',
            'backstage.io/managed-by-origin-location':
              'url:https://bench.invalid/org',
          },
        },
      };
    });
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'paved-road-bench-org',
    register(env) {
      env.registerInit({
        deps: { catalog: catalogProcessingExtensionPoint },
        async init({ catalog }) {
          catalog.addEntityProvider({
            getProviderName: () => 'paved-road-bench-org',
            async connect(connection) {
              await connection.applyMutation({
                type: 'full',
                entities: org.map(entity => ({
                  entity,
                  locationKey: 'paved-road-bench-org',
                })),
              });
            },
          });
        },
      });
    },
  });
}
