/*
 * Scorecard evaluation benchmark: the Paved Road backend's real evaluation service,
 * fact sources, shipped scorecards and results store (on PostgreSQL or SQLite) over a
 * synthetic catalog of N entities. Prints the full-pass time, the time to re-evaluate one
 * changed entity on demand, the time of the scheduled incremental pass after one change,
 * and peak memory.
 *
 *   npm run bench                          # 10k, 50k and 100k entities on PostgreSQL
 *   npm run bench -- --sizes 1000 --db sqlite
 *
 * PostgreSQL: $PAVED_ROAD_BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432
 * (a database paved_road_bench is created and dropped).
 *
 * The catalog here is an in-process list served through the CatalogService interface
 * (streamEntities), so the figures are Paved Road's own cost, not the catalog's.
 */
import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import knexFactory, { Knex } from 'knex';
import { DatabaseResultsStore } from '../plugins/paved-road-backend/src/database/DatabaseResultsStore';
import { readScorecardDefinitions } from '../plugins/paved-road-backend/src/scorecards/definitions';
import { CatalogIndex } from '../plugins/paved-road-backend/src/service/CatalogIndex';
import { createBuiltInFactSources } from '../plugins/paved-road-backend/src/service/builtInFactSources';
import {
  ScorecardEvaluationService,
  loadScorecards,
} from '../plugins/paved-road-backend/src/service/ScorecardEvaluationService';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SIZES = arg('sizes', '10000,50000,100000').split(',').map(Number);
const DB = arg('db', 'postgres');
const PG_URL =
  process.env.PAVED_ROAD_BENCH_DATABASE_URL ??
  'postgresql://postgres@127.0.0.1:5432';

/** A small deterministic PRNG, so every run benchmarks the same catalog. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TEMPLATES: Array<[string, string, string[]]> = [
  ['api-service', '2.3.0', ['2.3.0', '2.2.1', '2.0.0', '1.10.0', '1.8.0']],
  ['worker', '1.4.0', ['1.4.0', '1.3.2', '1.2.0']],
  ['cron-job', '1.2.0', ['1.2.0', '1.1.0', '1.0.0']],
  ['platform-tool', '1.1.0', ['1.1.0']],
];

function syntheticCatalog(size: number): Entity[] {
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
  systems.forEach(name =>
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name, namespace: 'default', etag: name },
      spec: { owner: `group:default/${pick(teams)}` },
    }),
  );
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
        ...(rnd() < 0.9 ? { system: `system:default/${pick(systems)}` } : {}),
      },
      relations: [{ type: 'ownedBy', targetRef: owner }],
    });
  }
  return entities;
}

/** Serves the synthetic catalog through the one CatalogService method evaluation uses. */
function inProcessCatalog(entities: Entity[]): any {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  return {
    async *streamEntities(request?: { pageSize?: number }) {
      const size = request?.pageSize ?? 500;
      for (let i = 0; i < entities.length; i += size) {
        yield entities.slice(i, i + size);
      }
    },
    async getEntityByRef(ref: string) {
      return byRef.get(ref);
    },
  };
}

const auth: any = {
  getOwnServiceCredentials: async () => ({
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'service', subject: 'plugin:paved-road' },
  }),
};
const quiet: any = {
  info() {},
  warn() {},
  debug() {},
  error: (m: string) => console.error(m),
  child() {
    return quiet;
  },
};

async function database(): Promise<{ knex: Knex; drop: () => Promise<void> }> {
  if (DB === 'sqlite') {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    return { knex, drop: () => knex.destroy() };
  }
  const admin = knexFactory({ client: 'pg', connection: PG_URL });
  await admin.raw('DROP DATABASE IF EXISTS paved_road_bench');
  await admin.raw('CREATE DATABASE paved_road_bench');
  const url = new URL(PG_URL);
  url.pathname = '/paved_road_bench';
  const knex = knexFactory({ client: 'pg', connection: url.toString() });
  return {
    knex,
    drop: async () => {
      await knex.destroy();
      await admin.raw('DROP DATABASE IF EXISTS paved_road_bench');
      await admin.destroy();
    },
  };
}

function peakMemory() {
  let peakHeap = 0;
  let peakRss = 0;
  const sample = () => {
    const { heapUsed, rss } = process.memoryUsage();
    peakHeap = Math.max(peakHeap, heapUsed);
    peakRss = Math.max(peakRss, rss);
  };
  const timer = setInterval(sample, 50);
  return () => {
    clearInterval(timer);
    sample();
    return { peakHeap, peakRss };
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function run(size: number) {
  const entities = syntheticCatalog(size);
  const catalog = inProcessCatalog(entities);
  const { knex, drop } = await database();
  try {
    const definitions = await readScorecardDefinitions(new ConfigReader({}));
    const checks = definitions.reduce((n, d) => n + d.checks.length, 0);
    const index = new CatalogIndex({ catalog, auth });
    const factSources = createBuiltInFactSources({
      catalog,
      auth,
      urlReader: {} as any, // synthetic entities have no repository location
      index,
    });
    const store = await DatabaseResultsStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
    const service = new ScorecardEvaluationService({
      catalog,
      auth,
      logger: quiet,
      store,
      index,
      factSources,
      scorecards: loadScorecards(
        definitions,
        factSources.map(s => s.id),
      ),
      historyRetentionDays: 90,
    });

    if (global.gc) global.gc();
    const stop = peakMemory();
    const fullStart = process.hrtime.bigint();
    const full = await service.evaluate({ full: true });
    const fullMs = Number(process.hrtime.bigint() - fullStart) / 1e6;
    const memory = stop();
    if (full.error) throw new Error(full.error);

    const changed = entities[entities.length - 1];
    changed.metadata.etag = 'changed';
    (changed.spec as any).lifecycle = 'deprecated';
    // On demand (POST /evaluate { entityRef }): the one entity, now.
    const oneTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const oneStart = process.hrtime.bigint();
      const one = await service.evaluateEntity(stringifyEntityRef(changed));
      oneTimes.push(Number(process.hrtime.bigint() - oneStart) / 1e6);
      if (!one || one.evaluated !== 1)
        throw new Error('entity not re-evaluated');
    }
    const oneMs = oneTimes.sort((a, b) => a - b)[2];
    // The scheduled incremental pass after that change (scans etags, re-aggregates).
    changed.metadata.etag = 'changed-again';
    const incStart = process.hrtime.bigint();
    const incremental = await service.evaluate();
    const incMs = Number(process.hrtime.bigint() - incStart) / 1e6;

    return {
      size,
      scorecards: definitions.length,
      checks,
      fullMs,
      evaluated: full.evaluated,
      oneMs,
      incMs,
      incEvaluated: incremental.evaluated,
      ...memory,
    };
  } finally {
    await drop();
  }
}

async function main() {
  console.log(
    `Paved Road scorecard evaluation benchmark (${DB}, Node ${
      process.version
    }, ${require('node:os').cpus().length} cores)`,
  );
  const rows = [];
  for (const size of SIZES) {
    const r = await run(size);
    rows.push(r);
    console.log(
      `${String(r.size).padStart(7)} entities x ${r.checks} checks (${
        r.scorecards
      } scorecards): ` +
        `full pass ${(r.fullMs / 1000).toFixed(1)} s (${
          r.evaluated
        } evaluated, ${Math.round(r.size / (r.fullMs / 1000))} entities/s), ` +
        `one changed entity re-evaluated on demand ${r.oneMs.toFixed(
          1,
        )} ms (median of 5), ` +
        `incremental pass after 1 change ${r.incMs.toFixed(0)} ms (${
          r.incEvaluated
        } re-evaluated, aggregates recomputed), ` +
        `peak heap ${mib(r.peakHeap)}, peak RSS ${mib(r.peakRss)}`,
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
