/*
 * The backend of the template-upgrade benchmark (templateUpgrade.bench.ts): a real
 * Backstage backend (backend.ts) with the scaffolder, the Paved Road scaffolder module,
 * the Paved Road backend (which records bulk upgrade runs) and guest sign-in (so tasks
 * run as a user, as a platform engineer runs them), whose catalog (served from memory,
 * catalog.ts) holds the teams and systems, every template in templates/ and the services.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/config';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { BenchBackend, startBenchBackend } from './backend';
import { InProcessCatalog } from './catalog';

export const ROOT = path.resolve(__dirname, '..');
export const TEMPLATES_DIR = path.join(ROOT, 'templates');
export const TEAMS = Array.from({ length: 8 }, (_, i) => `team-${i}`);

/** A schedule that never fires during a run (the Paved Road backend's evaluation). */
const IDLE_SCHEDULE = {
  frequency: { hours: 24 },
  timeout: { hours: 1 },
  initialDelay: { hours: 24 },
};

/**
 * Every Template in templates/*.yaml, with the `file:` location the catalog gives a
 * template it read from disk: the scaffolder takes a template's base URL from it, so a
 * relative `fetch:*` URL resolves against templates/ (helpers.ts `getEntityBaseUrl`).
 */
export function templateEntities(): Entity[] {
  const entities: Entity[] = [];
  for (const file of readdirSync(TEMPLATES_DIR).sort()) {
    if (!file.endsWith('.yaml')) continue;
    const full = path.join(TEMPLATES_DIR, file);
    const doc = yaml.parse(readFileSync(full, 'utf8'));
    if (doc?.kind !== 'Template') continue;
    entities.push({
      ...doc,
      metadata: {
        namespace: 'default',
        ...doc.metadata,
        annotations: {
          ...doc.metadata.annotations,
          'backstage.io/managed-by-location': `file:${full}`,
          'backstage.io/managed-by-origin-location': `file:${full}`,
        },
      },
    });
  }
  return entities;
}

/** `template` with `input` added to its steps that run `action`. */
function withStepInput(template: Entity, action: string, input: object) {
  const spec = template.spec as { steps: any[] };
  return {
    ...template,
    spec: {
      ...spec,
      steps: spec.steps.map(step =>
        step.action === action
          ? { ...step, input: { ...step.input, ...input } }
          : step,
      ),
    },
  };
}

/** The platform team and TEAMS, each with a system. */
export function organisationEntities(): Entity[] {
  return ['platform', ...TEAMS].flatMap(team => [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: team, namespace: 'default' },
      spec: { type: 'team', children: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: team, namespace: 'default' },
      spec: { owner: `group:default/${team}` },
      relations: [{ type: 'ownedBy', targetRef: `group:default/${team}` }],
    },
  ]);
}

/** A service made from `template` at `version`, its repository the folder `dir`. */
export function serviceEntity(options: {
  name: string;
  dir: string;
  team: string;
  template: string;
  version: string;
}): Entity {
  const owner = `group:default/${options.team}`;
  const system = `system:default/${options.team}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: options.name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `file:${path.join(
          options.dir,
          'catalog-info.yaml',
        )}`,
        'backstage.io/source-template': `template:default/${options.template}`,
        'backstage.io/template-version': options.version,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner, system },
    relations: [
      { type: 'ownedBy', targetRef: owner },
      { type: 'partOf', targetRef: system },
    ],
  };
}

/**
 * The catalog's search keys of an entity, as the catalog indexes them: each leaf under
 * its dotted path in lower case (`metadata.annotations.backstage.io/source-template`,
 * an annotation's dots included), and `relations.<type>` for each relation's target.
 */
function searchKeys(entity: Entity): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  const add = (key: string, value: unknown) => {
    const k = key.toLocaleLowerCase('en-US');
    keys.set(k, [
      ...(keys.get(k) ?? []),
      String(value).toLocaleLowerCase('en-US'),
    ]);
  };
  const walk = (prefix: string, value: unknown) => {
    if (Array.isArray(value)) value.forEach(v => walk(prefix, v));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        walk(prefix ? `${prefix}.${k}` : k, v);
      }
    } else if (value !== undefined && value !== null) add(prefix, value);
  };
  const { relations, ...rest } = entity;
  walk('', rest);
  for (const r of relations ?? []) add(`relations.${r.type}`, r.targetRef);
  return keys;
}

type Filter = Record<string, string | symbol | (string | symbol)[]>;

/**
 * catalog.ts matches a filter key by splitting it at every dot and walking the entity,
 * so it finds neither an annotation (`backstage.io/...` has a dot) nor a relation
 * (`relations.ownedBy`), both of which `paved-road:template:upgrade-all` filters on
 * (src/upgrade/bulk.ts). This replaces the benchmark catalog's `getEntities` with the
 * catalog's own key semantics (above). The catalog is held as text and parsed per read
 * either way.
 */
export function withCatalogSearchKeys(
  catalog: InProcessCatalog,
  entities: Entity[],
) {
  const indexed = entities.map(e => ({
    ref: stringifyEntityRef(e),
    keys: searchKeys(e),
  }));
  const matches = (keys: Map<string, string[]>, filter: Filter) =>
    Object.entries(filter).every(([key, expected]) => {
      const actual = keys.get(key.toLocaleLowerCase('en-US'));
      return [expected].flat().some(want =>
        typeof want === 'symbol'
          ? actual !== undefined // CATALOG_FILTER_EXISTS
          : actual?.includes(want.toLocaleLowerCase('en-US')),
      );
    });
  catalog.getEntities = async (request?: {
    filter?: Filter | Filter[];
    limit?: number;
    offset?: number;
  }) => {
    const filters = request?.filter ? [request.filter].flat() : undefined;
    const refs = indexed
      .filter(e => !filters || filters.some(f => matches(e.keys, f)))
      .map(e => e.ref);
    const offset = request?.offset ?? 0;
    const page = refs.slice(
      offset,
      request?.limit !== undefined ? offset + request.limit : undefined,
    );
    return {
      items: (await catalog.getEntitiesByRefs({ entityRefs: page }))
        .items as Entity[],
    };
  };
}

export interface UpgradeBackend extends BenchBackend {
  /** Fetch as the signed-in guest user (as a platform engineer in the app). */
  asUser(pathname: string, init?: RequestInit): Promise<any>;
  userRef: string;
}

/**
 * Starts the backend. `reposDir` is `pavedRoad.publishLocal.directory` (the services'
 * repositories sit directly inside it); releases are read from `releasesGitDir`.
 */
export async function startUpgradeBackend(options: {
  port: number;
  db: 'postgres' | 'sqlite';
  entities: Entity[];
  reposDir: string;
  releasesGitDir: string;
  concurrentTasksLimit: number;
  /**
   * upgrade-services has no `concurrency` parameter: when set, the catalog's copy of it
   * passes this to its `paved-road:template:upgrade-all` step (default 4 otherwise).
   */
  bulkConcurrency?: number;
}): Promise<UpgradeBackend> {
  const templates = templateEntities().map(t =>
    t.metadata.name === 'upgrade-services' && options.bulkConcurrency
      ? withStepInput(t, 'paved-road:template:upgrade-all', {
          concurrency: options.bulkConcurrency,
        })
      : t,
  );
  const entities = [
    ...organisationEntities(),
    ...templates,
    ...options.entities,
  ];
  const backend = await startBenchBackend({
    port: options.port,
    entities,
    databasePrefix: 'paved_road_bench_upgrades_',
    db: options.db,
    config: {
      scaffolder: { concurrentTasksLimit: options.concurrentTasksLimit },
      pavedRoad: {
        schedule: IDLE_SCHEDULE,
        publishLocal: { directory: options.reposDir },
        templateUpgrades: {
          releases: { gitRepository: options.releasesGitDir },
        },
      },
      auth: {
        providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
      },
    } as JsonObject,
    features: [
      import('@backstage/plugin-scaffolder-backend'),
      import('@paved-road/backstage-plugin-scaffolder-backend-module'),
      import('@paved-road/backstage-plugin-backend'),
      import('@backstage/plugin-auth-backend'),
      import('@backstage/plugin-auth-backend-module-guest-provider'),
    ],
  });
  withCatalogSearchKeys(backend.catalog, entities);
  // Signs in as the guest, as the app does.
  const session = await (
    await fetch(`${backend.baseUrl}/api/auth/guest/refresh?env=development`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    })
  ).json();
  const token: string | undefined = session?.backstageIdentity?.token;
  if (!token) {
    throw new Error(`Guest sign-in failed: ${JSON.stringify(session)}`);
  }
  return {
    ...backend,
    userRef: session.backstageIdentity.identity.userEntityRef,
    asUser: (pathname, init) =>
      backend.request(pathname, {
        ...init,
        headers: { ...init?.headers, authorization: `Bearer ${token}` },
      }),
  };
}
