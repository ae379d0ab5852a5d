/*
 * Paved Road scorecards benchmark. For each catalog size it starts a real Backstage
 * backend (bench/backend.ts) with the Paved Road backend plugin on PostgreSQL (or SQLite),
 * serving the synthetic catalog (bench/catalog.ts) from memory through the
 * CatalogService, each phase in a fresh Node process (so memory figures are the phase's
 * own), and prints:
 *
 *   - the full evaluation pass of the shipped scorecards (POST /evaluate {full: true}),
 *     one changed entity re-evaluated on demand, the scheduled incremental pass after one
 *     change, and the backend process's peak heap and RSS during the full pass;
 *   - p50/p99 latency of the entity endpoint and the aggregates endpoint under
 *     concurrent load (closed loop, bench/load.ts);
 *   - the dashboard's time to first meaningful render in Chromium (bench/dashboard.ts);
 *   - Tech Insights (with the jsonfc checker) on the same catalog and 20 equivalent
 *     checks, against Paved Road on those same checks, and the ratio
 *     (bench/techInsights.ts, bench/equivalentChecks.ts).
 *
 *   npm run bench                                   # 10k, 50k and 100k on PostgreSQL
 *   npm run bench -- --sizes 1000 --db sqlite --no-tech-insights --no-render
 *
 * Options: --sizes N,M  --db postgres|sqlite  --rate R (default 200/s, open loop)
 *   --concurrency C (default 10, closed loop)
 *   --no-tech-insights  --no-render  --build-app (rebuild packages/app first)
 *   --ti-timeout-minutes M (default 30)  --heap-limit-mb N (each phase's V8 old space)
 *   --campaign-breakdown (at the largest size: each statement of the campaign progress
 *   computation timed and explained, bench/campaigns.ts)
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/config';
import { BENCH_TOKEN, BenchBackend, startBenchBackend } from './backend';
import { benchCampaigns, campaignBreakdown } from './campaigns';
import { orgEntityProviderModule, syntheticCatalog } from './catalog';
import { ensureAppBuilt, measureDashboardRender } from './dashboard';
import { load, LoadResult } from './load';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const flag = (name: string) => args.includes(`--${name}`);
const SIZE_ARGS = arg('sizes', '10000,50000,100000').split(',');
const SIZES = SIZE_ARGS.map(Number);
const DB = arg('db', 'postgres') as 'postgres' | 'sqlite';
const CONCURRENCY = Number(arg('concurrency', '10'));
/** Requests per second of the open-loop (latency) runs. */
const RATE = Number(arg('rate', '200'));
const TECH_INSIGHTS = !flag('no-tech-insights');
const RENDER = !flag('no-render');
const TI_TIMEOUT_MS = Number(arg('ti-timeout-minutes', '30')) * 60_000;
/** Caps each phase's V8 old space, as a container's memory limit would. */
const HEAP_LIMIT_MB = arg('heap-limit-mb', '');
/** At the largest size, each statement of the campaign progress computation timed. */
const CAMPAIGN_BREAKDOWN = flag('campaign-breakdown');

/** A schedule that never fires during a run: every pass here is started explicitly. */
const IDLE_SCHEDULE = {
  frequency: { hours: 24 },
  timeout: { hours: 1 },
  initialDelay: { hours: 24 },
};

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ms = (value: number) =>
  value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(1)} ms`;
const latency = (r: LoadResult) =>
  `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${
    r.requests
  } requests, ${
    r.rate
      ? `${r.rate}/s offered`
      : `${r.concurrency} clients, ${Math.round(r.throughput)}/s`
  })`;

function peakMemory() {
  let peakHeap = 0;
  let peakRss = 0;
  const sample = () => {
    const { heapUsed, rss } = process.memoryUsage();
    peakHeap = Math.max(peakHeap, heapUsed);
    peakRss = Math.max(peakRss, rss);
  };
  sample();
  const timer = setInterval(sample, 50);
  return () => {
    clearInterval(timer);
    sample();
    return { peakHeap, peakRss };
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

/** A deterministic sample of component names for the entity endpoint. */
function sampleComponents(entities: Entity[], count: number) {
  const components = entities.filter(e => e.kind === 'Component');
  const step = Math.max(1, Math.floor(components.length / count));
  const sample: string[] = [];
  for (let i = 0; i < components.length && sample.length < count; i += step) {
    sample.push(components[i].metadata.name);
  }
  return sample;
}

/** GET an entity's scorecards, for the sampled components, under load. */
function entityEndpointLoad(
  backend: BenchBackend,
  components: string[],
  requests: number,
  shape: { concurrency: number } | { rate: number } = {
    concurrency: CONCURRENCY,
  },
) {
  return load({
    urls: components.map(
      name =>
        `${backend.baseUrl}/api/paved-road/entities/component/default/${name}/scorecards`,
    ),
    token: BENCH_TOKEN,
    ...shape,
    requests,
    warmup: requests / 10,
  });
}

/**
 * One endpoint under both load shapes: open loop at RATE (the latency figure) and
 * closed loop with CONCURRENCY clients (capacity: the server saturated).
 */
async function endpointLoads(
  run: (
    requests: number,
    shape: { concurrency: number } | { rate: number },
  ) => Promise<LoadResult>,
  requests: { open: number; closed: number },
) {
  return {
    open: await run(requests.open, { rate: RATE }),
    closed: await run(requests.closed, { concurrency: CONCURRENCY }),
  };
}

function log(line: string) {
  console.log(line);
}

async function pavedRoadFigures(size: number) {
  // What the run needs of the catalog is taken before the entities are let go: the
  // backend's catalog holds them as text (see catalog.ts), and this process keeps none.
  let entities: Entity[] | undefined = syntheticCatalog(size);
  const components = sampleComponents(entities, 2000);
  const changedRef = stringifyEntityRef(entities[entities.length - 1]);
  const groups = entities.filter(e => e.kind === 'Group').length;
  // The group tree (spec.parent), for the campaign breakdown's owner scopes.
  const children = new Map<string, string[]>();
  for (const e of entities) {
    const parent = (e.spec as { parent?: string } | undefined)?.parent;
    if (e.kind === 'Group' && parent) {
      const ref = `group:default/${parent}`;
      children.set(ref, [...(children.get(ref) ?? []), stringifyEntityRef(e)]);
    }
  }
  const descendantsOf = (ref: string): string[] => [
    ref,
    ...(children.get(ref) ?? []).flatMap(descendantsOf),
  ];
  const campaigns = benchCampaigns();
  const backend = await startBenchBackend({
    port: 7101,
    entities,
    databasePrefix: 'paved_road_bench_main_',
    db: DB,
    config: {
      pavedRoad: {
        schedule: IDLE_SCHEDULE,
        campaigns: campaigns as unknown as JsonObject[],
      },
      app: { title: 'Paved Road benchmark', packages: 'all' },
      organization: { name: 'Benchmark' },
      auth: {
        providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
      },
    } as JsonObject,
    features: [
      import('@paved-road/backstage-plugin-backend'),
      ...(RENDER
        ? [
            import('@backstage/plugin-catalog-backend'),
            orgEntityProviderModule(entities),
            import('@backstage/plugin-auth-backend'),
            import('@backstage/plugin-auth-backend-module-guest-provider'),
            import('@backstage/plugin-app-backend'),
          ]
        : []),
    ],
  });
  entities = undefined;
  try {
    if (RENDER) {
      // The catalog plugin ingests the organisation (groups, systems) for the frontend.
      for (let i = 0; ; i++) {
        const found = await backend.request(
          '/api/catalog/entities/by-query?filter=kind=group&limit=1',
        );
        if (found.totalItems >= groups) break;
        if (i > 600) throw new Error('The catalog did not ingest the groups');
        await new Promise(r => setTimeout(r, 500));
      }
    }

    global.gc?.();
    const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
    const stop = peakMemory();
    const [full, fullMs] = await timed(() =>
      backend.request('/api/paved-road/evaluate', {
        method: 'POST',
        body: JSON.stringify({ full: true }),
      }),
    );
    const memory = stop();
    if (full.error) throw new Error(full.error);
    if (full.evaluated !== size) {
      throw new Error(`Full pass evaluated ${full.evaluated} of ${size}`);
    }
    const aggregates = await backend.request('/api/paved-road/aggregates');
    const checks = Object.values(
      aggregates.org.scorecards as Record<string, { checks: object }>,
    ).reduce((n, card) => n + Object.keys(card.checks).length, 0);
    const scorecards = Object.keys(aggregates.org.scorecards).length;

    // One changed entity, re-evaluated on demand (POST /evaluate {entityRef}).
    backend.catalog.update(changedRef, changed => {
      changed.metadata.etag = 'changed';
      (changed.spec as any).lifecycle = 'deprecated';
    });
    const oneTimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const [one, t] = await timed(() =>
        backend.request('/api/paved-road/evaluate', {
          method: 'POST',
          body: JSON.stringify({ entityRef: changedRef }),
        }),
      );
      if (one.evaluated !== 1) throw new Error('entity not re-evaluated');
      oneTimes.push(t);
    }
    const oneMs = oneTimes.sort((a, b) => a - b)[3];

    // The scheduled incremental pass after one more change.
    backend.catalog.update(changedRef, changed => {
      changed.metadata.etag = 'changed-again';
    });
    const [incremental, incMs] = await timed(() =>
      backend.request('/api/paved-road/evaluate', {
        method: 'POST',
        body: '{}',
      }),
    );
    // And one with nothing changed: the campaigns' progress is skipped.
    const [unchanged, unchangedMs] = await timed(() =>
      backend.request('/api/paved-road/evaluate', {
        method: 'POST',
        body: '{}',
      }),
    );

    const entityLoad = await endpointLoads(
      (requests, shape) =>
        entityEndpointLoad(backend, components, requests, shape),
      // A minute at RATE: long enough that the backend's occasional full garbage
      // collection (a pause of a few hundred ms on this machine) weighs in the
      // percentiles as often as it happens, rather than decide a short run's p99.
      { open: 60 * RATE, closed: 5000 },
    );
    const plain = (path: string) => (requests: number, shape: object) =>
      load({
        urls: [`${backend.baseUrl}${path}`],
        token: BENCH_TOKEN,
        ...shape,
        requests,
        warmup: requests / 10,
      });
    const aggregatesLoad = await endpointLoads(
      plain('/api/paved-road/aggregates'),
      { open: 30 * RATE, closed: 1000 },
    );
    // The floor any endpoint of this backend stands on: the same middleware, token
    // check and logging, and no work of its own.
    const healthLoad = await endpointLoads(plain('/api/paved-road/health'), {
      open: 30 * RATE,
      closed: 5000,
    });
    const aggregatesBytes = Buffer.byteLength(JSON.stringify(aggregates));

    let render;
    if (RENDER) {
      render = await measureDashboardRender({
        baseUrl: backend.baseUrl,
        expectGroup: 'org',
        runs: 5,
        screenshot: `bench/out/dashboard-${size}.png`,
      });
    }

    // After every measurement, against the database before it is dropped.
    let breakdown;
    if (
      CAMPAIGN_BREAKDOWN &&
      DB === 'postgres' &&
      size === Math.max(...SIZES)
    ) {
      const { scorecards: definitions } = await backend.request(
        '/api/paved-road/scorecards',
      );
      breakdown = await campaignBreakdown({
        databasePrefix: 'paved_road_bench_main_',
        campaigns,
        scorecards: definitions,
        descendantsOf,
        outPath: join(OUT_DIR, `campaigns-${size}.txt`),
      });
    }

    return {
      scorecards,
      checks,
      fullMs,
      campaigns: campaigns.length,
      full: {
        durationMs: full.durationMs,
        campaignsMs: full.campaignsMs,
      },
      oneMs,
      incMs,
      incEvaluated: incremental.evaluated,
      incremental: {
        durationMs: incremental.durationMs,
        campaignsMs: incremental.campaignsMs,
      },
      unchangedMs,
      unchanged: {
        evaluated: unchanged.evaluated,
        durationMs: unchanged.durationMs,
        campaignsMs: unchanged.campaignsMs,
      },
      breakdown,
      loadAverage: require('node:os').loadavg(),
      entityLoad,
      aggregatesLoad,
      healthLoad,
      aggregatesBytes,
      render,
      rssBefore,
      heapBefore,
      ...memory,
    };
  } finally {
    await backend.stop();
  }
}

/** Paved Road on the 20 checks Tech Insights runs too: full pass and entity latency. */
async function pavedRoadEquivalent(entities: Entity[]) {
  const { pavedRoadEquivalentConfig } = await import('./techInsights');
  const backend = await startBenchBackend({
    port: 7102,
    entities,
    databasePrefix: 'paved_road_bench_eq_',
    db: DB,
    config: { pavedRoad: pavedRoadEquivalentConfig() } as JsonObject,
    features: [import('@paved-road/backstage-plugin-backend')],
  });
  try {
    const [full, fullMs] = await timed(() =>
      backend.request('/api/paved-road/evaluate', {
        method: 'POST',
        body: JSON.stringify({ full: true }),
      }),
    );
    if (full.error) throw new Error(full.error);
    const aggregates = await backend.request('/api/paved-road/aggregates');
    const passCounts: Record<string, number> = {};
    for (const card of Object.values(
      aggregates.org.scorecards as Record<
        string,
        { checks: Record<string, { pass: number }> }
      >,
    )) {
      for (const [id, c] of Object.entries(card.checks))
        passCounts[id] = c.pass;
    }
    const entityLoad = await entityEndpointLoad(
      backend,
      sampleComponents(entities, 2000),
      2000,
    );
    return { fullMs, passCounts, entityLoad };
  } finally {
    await backend.stop();
  }
}

/** Where each phase's output goes: bench/out/<phase>-<size>.log. */
const OUT_DIR = join(__dirname, 'out');

/** The output line a child process reports its figures on. */
const RESULT_PREFIX = 'PAVED_ROAD_BENCH_RESULT ';

/**
 * Runs one phase at one size in a fresh Node process (so its memory figures are its
 * own, not what earlier phases left behind) and returns its figures.
 */
function inChild(phase: string, size: number): Promise<any> {
  // The child's output (the backend logs every request) goes to a file rather than
  // through a pipe to this process: a pipe the parent drains late (say, while its own
  // garbage collector runs) fills, and then the backend's next log write blocks its
  // event loop, a stall that would count against the endpoint being measured.
  mkdirSync(OUT_DIR, { recursive: true });
  const logPath = join(OUT_DIR, `${phase}-${size}.log`);
  const logFd = openSync(logPath, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        ...(HEAP_LIMIT_MB ? [`--max-old-space-size=${HEAP_LIMIT_MB}`] : []),
        ...process.execArgv,
        __filename,
        ...args,
        '--child',
        phase,
        '--size',
        String(size),
      ],
      {
        stdio: ['ignore', logFd, 'inherit'],
        // As deployed backends run (Backstage's Dockerfile sets it): among other
        // things, the backend then logs JSON rather than colourised text.
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    closeSync(logFd);
    child.on('error', reject);
    child.on('exit', code => {
      const out = readFileSync(logPath, 'utf8');
      const line = out.split('\n').find(l => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) {
        resolve(JSON.parse(line.slice(RESULT_PREFIX.length)));
      } else {
        reject(
          new Error(
            `The ${phase} phase at ${size} entities failed (exit ${code}); its output is in ${logPath}: ${out.slice(
              -2000,
            )}`,
          ),
        );
      }
    });
  });
}

async function runChild(phase: string, size: number) {
  if (phase === 'paved-road') return pavedRoadFigures(size);
  const entities = syntheticCatalog(size);
  if (phase === 'equivalent') return pavedRoadEquivalent(entities);
  if (phase === 'tech-insights') {
    const { runTechInsights } = await import('./techInsights');
    return runTechInsights({
      entities,
      port: 7103,
      timeoutMs: TI_TIMEOUT_MS,
      concurrency: CONCURRENCY,
      requests: 2000,
    });
  }
  throw new Error(`Unknown benchmark phase '${phase}'`);
}

const num = (value: number | null | undefined) =>
  typeof value === 'number' && Number.isFinite(value) ? ms(value) : 'n/a';

async function main() {
  const phase = arg('child', '');
  if (phase) {
    const figures = await runChild(phase, Number(arg('size', '0')));
    console.log(`${RESULT_PREFIX}${JSON.stringify(figures)}`);
    return;
  }
  // The organisation (groups, systems, domains, templates) comes first, components after.
  const organisation = syntheticCatalog(0).length;
  const bad = SIZE_ARGS.find(
    n => !Number.isInteger(Number(n)) || Number(n) <= organisation,
  );
  if (bad !== undefined) {
    throw new Error(
      `--sizes: '${bad}' is not a catalog size to measure: each must be a whole number above ${organisation}, the synthetic organisation's own entities`,
    );
  }
  log(
    `Paved Road scorecards benchmark (${DB}, Node ${process.version}, ${
      require('node:os').cpus().length
    } cores, open-loop load at ${RATE} requests/s, closed-loop load with ${CONCURRENCY} clients${
      HEAP_LIMIT_MB ? `, V8 old space capped at ${HEAP_LIMIT_MB} MiB` : ''
    })`,
  );
  if (RENDER && ensureAppBuilt(flag('build-app'))) {
    log('Built packages/app for the dashboard render measurement.');
  }
  for (const size of SIZES) {
    const r = await inChild('paved-road', size);
    log(`\n${size.toLocaleString('en-US')} entities`);
    log(
      `  full pass, ${r.checks} checks in ${r.scorecards} scorecards: ${ms(
        r.fullMs,
      )} (${Math.round(
        size / (r.fullMs / 1000),
      )} entities/s); backend process peak RSS ${mib(
        r.peakRss,
      )}, peak heap ${mib(r.peakHeap)} (before the pass: RSS ${mib(
        r.rssBefore,
      )}, heap ${mib(r.heapBefore)}, the in-memory catalog included)`,
    );
    log(
      `  one changed entity re-evaluated on demand: ${ms(
        r.oneMs,
      )} (median of 7)`,
    );
    log(
      `  scheduled incremental pass after one change: ${ms(r.incMs)} (${
        r.incEvaluated
      } re-evaluated, aggregates recomputed)`,
    );
    const loads = (name: string, l: { open: LoadResult; closed: LoadResult }) =>
      log(`  ${name}: ${latency(l.open)}; saturated: ${latency(l.closed)}`);
    const share = (pass: { durationMs?: number; campaignsMs?: number }) =>
      pass.campaignsMs === undefined
        ? `skipped (nothing changed) of the pass's ${num(pass.durationMs)}`
        : `${num(pass.campaignsMs)} of the pass's ${num(pass.durationMs)} (${(
            (100 * pass.campaignsMs) /
            (pass.durationMs ?? NaN)
          ).toFixed(1)} %)`;
    log(
      `  campaign progress (${r.campaigns} campaigns), in the pass's own time:`,
    );
    log(`    full pass: ${share(r.full)}`);
    log(`    incremental pass after one change: ${share(r.incremental)}`);
    log(
      `    incremental pass with nothing changed (${
        r.unchanged.evaluated
      } evaluated, ${ms(r.unchangedMs)}): ${share(r.unchanged)}`,
    );
    if (r.breakdown) {
      const b = r.breakdown;
      const top = (kinds: Array<[string, { count: number; ms: number }]>) =>
        kinds.map(([kind, k]) => `${kind} ${k.count}x ${ms(k.ms)}`).join('; ');
      log(
        `    breakdown, every statement timed (bench/out/campaigns-${size}.txt): steady (every entity stored, as in an incremental pass) ${ms(
          b.steadyMs,
        )}: ${top(b.steadyByKind)}`,
      );
      log(
        `    cold (every entity joins, as in the first pass) ${ms(
          b.coldMs,
        )}: ${top(b.coldByKind)}`,
      );
      log(
        `    steady again after ANALYZE (${ms(b.analyzeMs)}; autovacuum ${
          b.autovacuum
        } on this server, so the passes planned without statistics) ${ms(
          b.analyzedMs,
        )}: ${top(b.analyzedByKind)}`,
      );
      log(
        `  template release tracker per pass: ${ms(
          b.releaseUpdateMs,
        )}, of which the version count query ${ms(
          b.releaseQueryMs,
        )} (median of 5; after ANALYZE ${ms(b.releaseAnalyzed.updateMs)}, ${ms(
          b.releaseAnalyzed.queryMs,
        )})`,
      );
    }
    loads('GET entity scorecards', r.entityLoad);
    loads(
      `GET aggregates (${(r.aggregatesBytes / 1024).toFixed(0)} KiB)`,
      r.aggregatesLoad,
    );
    loads("GET health (the backend's floor)", r.healthLoad);
    log(
      `  machine load average (1, 5, 15 min) at the phase's end: ${r.loadAverage
        .map((l: number) => l.toFixed(1))
        .join(', ')}`,
    );
    if (r.render) {
      log(
        `  dashboard first meaningful render: ${
          r.render.medianMs
        } ms (median of ${r.render.runs.length}: ${r.render.runs.join(
          ', ',
        )} ms)`,
      );
    }
    if (TECH_INSIGHTS) {
      const pr = await inChild('equivalent', size);
      const ti = await inChild('tech-insights', size);
      const mismatches = Object.keys(pr.passCounts).filter(
        id => !ti.timedOut && ti.passCounts[id] !== pr.passCounts[id],
      );
      if (mismatches.length) {
        throw new Error(
          `The equivalent checks disagree: ${mismatches
            .map(
              id =>
                `${id} Paved Road ${pr.passCounts[id]}, Tech Insights ${ti.passCounts[id]}`,
            )
            .join('; ')}`,
        );
      }
      const bound = ti.timedOut ? '>' : '';
      log(
        `  same ${
          Object.keys(pr.passCounts).length
        } checks, Paved Road vs Tech Insights (jsonfc):`,
      );
      log(
        `    every check for every entity: Paved Road ${ms(
          pr.fullMs,
        )} (full pass, results stored); Tech Insights ${bound}${num(
          ti.totalMs,
        )} (fact retrieval ${num(ti.retrievalMs)} + bulk check run ${num(
          ti.bulkChecksMs,
        )})${ti.timedOut ? ' - stopped at the time limit' : ''}`,
      );
      log(
        `    ratio: ${bound}${(ti.totalMs / pr.fullMs).toFixed(1)}x${
          ti.timedOut ? '' : ', pass counts identical per check'
        }`,
      );
      if (!ti.timedOut) {
        log(
          `    one entity's check results: Paved Road p50 ${pr.entityLoad.p50.toFixed(
            1,
          )} / p99 ${pr.entityLoad.p99.toFixed(
            1,
          )} ms; Tech Insights p50 ${ti.entityP50.toFixed(
            1,
          )} / p99 ${ti.entityP99.toFixed(1)} ms (ratio at p99 ${(
            ti.entityP99 / pr.entityLoad.p99
          ).toFixed(1)}x)`,
        );
      }
      if (ti.note) log(`    note: ${ti.note}`);
    }
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
