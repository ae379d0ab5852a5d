/*
 * Tech Insights as the benchmark's peer: a real backend with
 * @backstage-community/plugin-tech-insights-backend and its jsonfc checker on the same
 * synthetic catalog, with the twenty checks of equivalentChecks.ts, measured the way a
 * Tech Insights user gets results for the whole catalog: the fact retriever's run
 * (catalog read, facts computed, facts stored) and then the bulk check run.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import {
  BENCH_TOKEN,
  BenchBackend,
  dropDatabases,
  PG_URL,
  startBenchBackend,
} from './backend';
import {
  EQUIVALENT_CHECK_IDS,
  EQUIVALENT_SCORECARD,
  FACT_RETRIEVER_ID,
  RetrieverRun,
  techInsightsEquivalentConfig,
  techInsightsEquivalentFactsModule,
} from './equivalentChecks';
import { random } from './catalog';
import { load } from './load';

export interface TechInsightsFigures {
  /** Entities in the catalog (all kinds; the retriever covers every one). */
  entities: number;
  checks: number;
  /**
   * From the moment Tech Insights' scheduler calls the fact retriever until the facts
   * of every entity are visible in its `facts` table (catalog read, facts computed,
   * rows inserted and committed; one transaction). Excludes the scheduler's wait before
   * the run, see `schedulerDelayMs`.
   */
  retrievalMs: number;
  /** `POST /api/tech-insights/checks/run` over all entities, request to last byte. */
  bulkChecksMs: number;
  /** retrievalMs + bulkChecksMs: the time to check results for the whole catalog. */
  totalMs: number;
  /** Entities passing each check, from the bulk run. */
  passCounts: Record<string, number>;
  /** `POST /api/tech-insights/checks/run/:namespace/:kind/:name`, under load. */
  entityP50: number;
  entityP99: number;
  /** Retrieval or the bulk run did not finish within `timeoutMs`; the figure is a lower bound. */
  timedOut: boolean;
  note?: string;
  /** startBenchBackend() until it resolved (migrations, plugin init). */
  startupMs?: number;
  /** Backend up until the scheduler called the retriever (negative: called during start-up). */
  schedulerDelayMs?: number;
  /** The retriever's handler alone (catalog read, facts computed); the rest of retrievalMs is storing. */
  retrieverHandlerMs?: number;
  /** Size of the bulk run's JSON answer (every check result carries its facts and rule). */
  bulkResponseBytes?: number;
  /** Wall-clock time of the whole run, start-up and load included. */
  wallMs?: number;
}

/** The Paved Road config running the same twenty checks (and nothing else). */
export function pavedRoadEquivalentConfig(): JsonObject {
  return {
    defaultScorecards: false,
    scorecards: [EQUIVALENT_SCORECARD],
    // Passes run only when asked for (POST /evaluate), never on their own.
    schedule: { frequency: { trigger: 'manual' }, timeout: { hours: 1 } },
  };
}

class Timeout extends Error {}

/** The most entities one bulk check request covers whole (see the bulk run below). */
const BULK_ALL_MAX = 10_000;
/** Entity refs per bulk request beyond that: the request body limit is 100 kB. */
const BULK_BATCH = 2_500;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export async function runTechInsights(options: {
  entities: Entity[];
  port: number;
  timeoutMs: number;
  concurrency: number;
  requests: number;
  /** Entity refs per bulk check request, even for small catalogs; default: one request up to BULK_ALL_MAX entities, else BULK_BATCH. */
  bulkBatch?: number;
  /** Defaults to `paved_road_bench_ti_`; the databases are dropped before and after. */
  databasePrefix?: string;
}): Promise<TechInsightsFigures> {
  const { entities, port, timeoutMs } = options;
  const prefix = options.databasePrefix ?? 'paved_road_bench_ti_';
  const started = performance.now();
  const deadline = started + timeoutMs;
  const remaining = () => deadline - performance.now();
  const figures: TechInsightsFigures = {
    entities: entities.length,
    checks: EQUIVALENT_CHECK_IDS.length,
    retrievalMs: NaN,
    bulkChecksMs: NaN,
    totalMs: NaN,
    passCounts: {},
    entityP50: NaN,
    entityP99: NaN,
    timedOut: false,
  };
  const notes: string[] = [];
  let run: RetrieverRun | undefined;
  let backend: BenchBackend | undefined;
  let db: Knex | undefined;
  let phase: 'start-up' | 'retrieval' | 'bulk checks' | 'load' = 'start-up';
  let phaseStart = started;
  let startup: Promise<BenchBackend> | undefined;

  try {
    startup = startBenchBackend({
      port,
      entities,
      databasePrefix: prefix,
      db: 'postgres',
      config: {
        techInsights: techInsightsEquivalentConfig({
          initialDelay: { seconds: 0 },
          timeout: { milliseconds: Math.max(1000, Math.ceil(timeoutMs)) },
        }),
      },
      features: [
        import('@backstage-community/plugin-tech-insights-backend'),
        import(
          '@backstage-community/plugin-tech-insights-backend-module-jsonfc'
        ),
        techInsightsEquivalentFactsModule({
          onRun: r => {
            run ??= r;
          },
        }),
      ],
    });
    startup.catch(() => undefined);
    backend = await withDeadline(startup, remaining());
    const up = performance.now();
    figures.startupMs = up - started;

    // Retrieval: Tech Insights stores all of a run's facts in one transaction, so the
    // rows appear together; poll the plugin's own database until every entity has its row.
    phase = 'retrieval';
    phaseStart = up;
    const url = new URL(PG_URL);
    url.pathname = `/${prefix}tech-insights`;
    db = knexFactory({
      client: 'pg',
      connection: url.toString(),
      pool: { min: 1, max: 1 },
    });
    let stored = 0;
    for (;;) {
      if (run?.error)
        throw new Error(`The fact retriever failed: ${run.error}`);
      const [row] = await db('facts')
        .where({ id: FACT_RETRIEVER_ID })
        .countDistinct({ n: 'entity' });
      stored = Number(row.n);
      if (stored >= entities.length) break;
      if (remaining() <= 0) throw new Timeout();
      await sleep(20);
    }
    const storedAt = performance.now();
    figures.retrievalMs = storedAt - run!.startedAt;
    figures.schedulerDelayMs = run!.startedAt - up;
    figures.retrieverHandlerMs = run!.finishedAt! - run!.startedAt;

    // The bulk run: every entity with facts, all twenty checks. One request
    // (`entities: []`) covers the whole catalog up to BULK_ALL_MAX entities; beyond that
    // its JSON answer (about 11 kB per entity) passes V8's largest string and the
    // endpoint fails ("Invalid string length"), so larger catalogs are checked in
    // consecutive requests naming BULK_BATCH entity refs each (the most a 100 kB request
    // body holds).
    phase = 'bulk checks';
    const bulkStart = performance.now();
    phaseStart = bulkStart;
    const refs = entities.map(e => stringifyEntityRef(e));
    const batchSize = options.bulkBatch ?? BULK_BATCH;
    const batches =
      refs.length <= BULK_ALL_MAX && !options.bulkBatch
        ? [[]]
        : Array.from({ length: Math.ceil(refs.length / batchSize) }, (_, i) =>
            refs.slice(i * batchSize, (i + 1) * batchSize),
          );
    if (batches.length > 1) {
      notes.push(
        `bulk check run in ${batches.length} requests of ${batchSize} entities: one request for all ${refs.length} fails (its answer exceeds V8's largest string)`,
      );
    }
    const tally = passTally(entities);
    figures.bulkResponseBytes = 0;
    for (const batch of batches) {
      const response = await fetch(
        `${backend.baseUrl}/api/tech-insights/checks/run`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${BENCH_TOKEN}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            checks: EQUIVALENT_CHECK_IDS,
            entities: batch,
          }),
          signal: AbortSignal.timeout(Math.max(1, Math.ceil(remaining()))),
        },
      ).catch((error: Error) => {
        throw error.name === 'TimeoutError' ? new Timeout() : error;
      });
      const text = await response.text();
      figures.bulkResponseBytes += Buffer.byteLength(text);
      if (!response.ok) {
        throw new Error(
          `POST /api/tech-insights/checks/run: ${response.status} ${text.slice(
            0,
            500,
          )}`,
        );
      }
      tally.add(JSON.parse(text));
    }
    figures.bulkChecksMs = performance.now() - bulkStart;
    figures.passCounts = tally.counts();
    figures.totalMs = figures.retrievalMs + figures.bulkChecksMs;

    // One entity at a time, as the entity page asks, under concurrent load.
    phase = 'load';
    const components = entities.filter(e => e.kind === 'Component');
    const rnd = random(7);
    const urls = Array.from(
      { length: Math.min(200, components.length) },
      () => {
        const e = components[Math.floor(rnd() * components.length)];
        return `${
          backend!.baseUrl
        }/api/tech-insights/checks/run/${encodeURIComponent(
          e.metadata.namespace ?? 'default',
        )}/${encodeURIComponent(e.kind)}/${encodeURIComponent(
          e.metadata.name,
        )}`;
      },
    );
    const measured = load({
      urls,
      token: BENCH_TOKEN,
      concurrency: options.concurrency,
      requests: options.requests,
      method: 'POST',
      body: JSON.stringify({ checks: EQUIVALENT_CHECK_IDS }),
      warmup: Math.min(options.requests, options.concurrency * 4),
    });
    measured.catch(() => undefined);
    const result = await withDeadline(measured, remaining()).catch(error => {
      if (error instanceof Timeout) {
        notes.push(
          'per-entity load did not finish within the time limit; no latency figures',
        );
        return undefined;
      }
      throw error;
    });
    if (result) {
      figures.entityP50 = result.p50;
      figures.entityP99 = result.p99;
    }
  } catch (error) {
    if (!(error instanceof Timeout)) throw error;
    figures.timedOut = true;
    if (phase === 'start-up') {
      notes.push(`the backend did not start within ${timeoutMs} ms`);
    } else if (phase === 'retrieval') {
      figures.retrievalMs = performance.now() - (run?.startedAt ?? phaseStart);
      notes.push(
        run
          ? `facts not stored for every entity within ${timeoutMs} ms (retriever ${
              run.finishedAt ? 'returned its facts; storing' : 'still running'
            }); retrievalMs is a lower bound`
          : `the scheduler had not started the retriever within ${timeoutMs} ms`,
      );
    } else if (phase === 'bulk checks') {
      figures.bulkChecksMs = performance.now() - phaseStart;
      notes.push(
        `the bulk check run did not answer within ${timeoutMs} ms; bulkChecksMs is a lower bound`,
      );
    }
    figures.totalMs =
      (Number.isNaN(figures.retrievalMs) ? 0 : figures.retrievalMs) +
      (Number.isNaN(figures.bulkChecksMs) ? 0 : figures.bulkChecksMs);
  } finally {
    await db?.destroy().catch(() => undefined);
    // A start-up that outlived the deadline is awaited (bounded), so it is stopped too.
    backend ??= await withDeadline(startup ?? Promise.reject(), 120_000).catch(
      () => undefined,
    );
    if (backend) {
      await withDeadline(backend.stop(), 60_000).catch(error => {
        notes.push(
          `backend stop: ${error instanceof Timeout ? 'timed out' : error}`,
        );
      });
    }
    // stop() drops them; again here for a backend that never started or never stopped.
    await dropDatabases(prefix).catch(error => {
      notes.push(`dropping the databases: ${error}`);
    });
    figures.wallMs = performance.now() - started;
  }
  if (notes.length) figures.note = notes.join('; ');
  return figures;
}

/**
 * Per-check pass counts from the bulk response, after checking that it covers every
 * entity of the catalog exactly once, with a result for every check and no error.
 */
/** Pass counts per check over bulk answers, checking each entity is answered once. */
function passTally(entities: Entity[]) {
  const expected = new Set(entities.map(e => stringifyEntityRef(e)));
  const seen = new Set<string>();
  const counts: Record<string, number> = Object.fromEntries(
    EQUIVALENT_CHECK_IDS.map(id => [id, 0]),
  );
  return {
    add(body: unknown) {
      if (!Array.isArray(body)) {
        throw new Error('The bulk check run did not answer with a list');
      }
      for (const item of body as Array<{
        entity: string;
        error?: unknown;
        results: Array<{ result: boolean; check: { id: string } }>;
      }>) {
        if (item.error) {
          throw new Error(
            `The bulk check run failed for ${item.entity}: ${JSON.stringify(
              item.error,
            ).slice(0, 300)}`,
          );
        }
        if (!expected.has(item.entity) || seen.has(item.entity)) {
          throw new Error(
            `Unexpected or repeated entity ${item.entity} in the bulk run`,
          );
        }
        seen.add(item.entity);
        const ids = item.results.map(r => r.check.id).sort();
        if (ids.join() !== [...EQUIVALENT_CHECK_IDS].sort().join()) {
          throw new Error(
            `The bulk run has results for ${ids.length} of ${EQUIVALENT_CHECK_IDS.length} checks for ${item.entity}`,
          );
        }
        for (const r of item.results) {
          if (r.result === true) counts[r.check.id]++;
        }
      }
    },
    counts() {
      if (seen.size !== expected.size) {
        throw new Error(
          `The bulk run covered ${seen.size} of ${expected.size} entities`,
        );
      }
      return counts;
    },
  };
}

/** Rejects with Timeout when the promise has not settled within ms. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) return Promise.reject(new Timeout());
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
