/**
 * Property-based fuzzing of the plugin's HTTP API: requests generated from
 * src/schema/openapi.yaml (valid, realistic and hostile) against every path × method,
 * on SQLite and PostgreSQL, as a user who may read only the orders team's entities, as
 * a user who may read everything, and as a service. Every answer must come within the
 * time budget, never be a 5xx, carry Backstage's error body when it is an error, and
 * tell the limited user nothing about entities they may not read.
 *
 * Runs the backend in a child process (so a request that blocks its event loop is a
 * failure, not a stuck test run). Environment:
 *
 * - FUZZ_SEED: the base seed (default below); each property's seed derives from it, the
 *   operation and the caller, so a failure reproduces with the seed it prints.
 * - FUZZ_RUNS: runs per operation and caller (default 150).
 * - FUZZ_BUDGET_MS: how long an answer may take (default 2000).
 * - FUZZ_PROPERTY_MS: time for one property, shrinking included (default 10000).
 * - FUZZ_ONLY: run only operations whose `METHOD /path` or operation id contains this.
 * - FUZZ_EXPLORE=1: do not stop at a property's first failure: run all FUZZ_RUNS and
 *   report every distinct failure (by problem and error message; hangs by what was
 *   hostile), unshrunk. For listing what is broken (with a larger FUZZ_PROPERTY_MS);
 *   the default finds one shrunk counterexample per operation and caller.
 * - BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING: also fuzz on PostgreSQL;
 *   with PAVED_ROAD_REQUIRE_POSTGRES=1 a missing connection string fails the run.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { spec } from '../schema/openapi';
import { exampleCatalog } from '../scorecards/__testUtils__/exampleOrganisation';
import { limitedUserHeader } from '../service/__testUtils__/partialVisibility';
import {
  BackendProcess,
  BASE_PATH,
  RawRequest,
} from './__testUtils__/backendProcess';
import { splitCatalog } from './__testUtils__/fuzzCatalog';
import { LeakDetector, problemsOf } from './__testUtils__/fuzzOracles';
import {
  formatFailure,
  FuzzFailure,
  label,
  printSummary,
  signature,
  summaryLine,
} from './__testUtils__/fuzzReport';
import {
  dropDatabases,
  loadRealistic,
  startAndSeed,
} from './__testUtils__/fuzzSetup';
import { operationsOf } from './__testUtils__/openApiDocument';
import { realisticHints } from './__testUtils__/realisticHints';
import { Realistic } from './__testUtils__/realisticValues';
import { requestArbitrary } from './__testUtils__/requestArbitrary';
import { FuzzRequest } from './__testUtils__/requestEncoding';
import { SchemaValues } from './__testUtils__/schemaValues';

const env = (name: string, fallback: number) => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : Number(value);
};
const BASE_SEED = env('FUZZ_SEED', 20_260_214);
const RUNS = env('FUZZ_RUNS', 150);
const BUDGET_MS = env('FUZZ_BUDGET_MS', 2000);
const PROPERTY_MS = env('FUZZ_PROPERTY_MS', 10_000);
/** How long to wait for an answer before calling it a hang (and restarting the backend). */
const HANG_MS = Math.max(BUDGET_MS * 2.5, 5000);
const ONLY = process.env.FUZZ_ONLY;
/** Keep going after a failure and report every distinct one (not shrunk). */
const EXPLORE = process.env.FUZZ_EXPLORE === '1';

jest.setTimeout(Math.max(PROPERTY_MS * 3, 60_000));

/** Operations that record what they are given rather than read an entity. */
const RECORDS = ['RecordScaffoldEvent', 'RecordUpgradeRun'];

/** Planted in the data of entities the limited user may not read. */
const CANARIES = [/canary[-.]unreadable/i];

const PG_CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const REQUIRE_POSTGRES = process.env.PAVED_ROAD_REQUIRE_POSTGRES === '1';

const callers = {
  'limited user': limitedUserHeader,
  'user who may read everything': mockCredentials.user.header(),
  service: mockCredentials.service.header(),
} as const;
type Caller = keyof typeof callers;

const operations = operationsOf(spec).filter(
  op =>
    !ONLY ||
    `${op.method} ${op.template}`.includes(ONLY) ||
    op.operationId.includes(ONLY),
);

/** A seed per operation and caller, the same on every database. */
function seedOf(...parts: string[]) {
  let hash = BASE_SEED | 0;
  for (const ch of parts.join('|')) {
    hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
  }
  return hash | 0;
}

const entities: Entity[] = exampleCatalog();
const { refs, unreadable } = splitCatalog(entities);
const readableEntities = entities.filter(
  e => !unreadable.has(stringifyEntityRef(e)),
);

/** A line per failing property, for the summary at the end. */
const found: string[] = [];

const databases: Array<'sqlite' | 'postgres'> = ['sqlite'];
if (PG_CONNECTION) databases.push('postgres');

describe('the PostgreSQL run', () => {
  it('has a PostgreSQL server to fuzz against when PAVED_ROAD_REQUIRE_POSTGRES=1', () => {
    const missing =
      REQUIRE_POSTGRES && !PG_CONNECTION
        ? 'PAVED_ROAD_REQUIRE_POSTGRES=1 but BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set'
        : undefined;
    expect(missing).toBeUndefined();
  });
});

describe.each(databases)('fuzzing the HTTP API on %s', database => {
  const pgPrefix = `paved_road_fuzz_${randomBytes(4).toString('hex')}_`;
  const backend = new BackendProcess({
    database,
    pgConnection: PG_CONNECTION,
    pgPrefix,
  });
  let realistic: Realistic;
  let values: SchemaValues;
  const detector = new LeakDetector({
    unreadable,
    readable: refs.filter(r => !unreadable.has(r)),
    knownToCaller: JSON.stringify(readableEntities),
    canaries: CANARIES,
  });

  /**
   * One exchange at a time: a property interrupted by FUZZ_PROPERTY_MS leaves its last
   * request running (fast-check cannot stop it); the next property waits for it, and
   * for the restart that follows if it hung.
   */
  let queue: Promise<unknown> = Promise.resolve();
  function exchange(caller: Caller, request: FuzzRequest) {
    const run = queue.then(() => exchangeNow(caller, request));
    queue = run.catch(() => {});
    return run;
  }

  beforeAll(async () => {
    await startAndSeed(backend);
    realistic = await loadRealistic(backend, entities, refs);
    values = new SchemaValues(spec as any, {
      ...realisticHints(realistic),
    });
  }, 120_000);

  afterAll(async () => {
    await queue;
    await backend.stop();
    if (database === 'postgres') {
      await dropDatabases(PG_CONNECTION, pgPrefix);
    }
    printSummary(database, found, BASE_SEED);
  }, 60_000);

  /** Sends one request as `caller`, restarting a backend a previous request killed. */
  async function exchangeNow(caller: Caller, request: FuzzRequest) {
    if (!backend.alive) {
      await backend.kill();
      await startAndSeed(backend);
    }
    const headers = { ...request.headers };
    if (request.auth === 'caller') headers.Authorization = callers[caller];
    else if (request.auth !== 'none')
      headers.Authorization = request.auth.header;
    const sent: RawRequest = {
      method: request.method,
      path: request.path,
      headers,
      body: request.body,
    };
    let outcome = await backend.send(sent, HANG_MS);
    if (outcome.kind === 'response' && outcome.elapsedMs > BUDGET_MS) {
      // Once more, to tell a slow request from a busy machine.
      const again = await backend.send(sent, HANG_MS);
      if (again.kind === 'response' && again.elapsedMs <= BUDGET_MS)
        outcome = again;
    }
    if (outcome.kind === 'no-response') {
      // Stuck or gone: the next request starts a fresh backend.
      await backend.kill();
    }
    return { sent, outcome };
  }

  describe.each(Object.keys(callers) as Caller[])('as a %s', caller => {
    // fc.assert is the assertion.
    // eslint-disable-next-line jest/expect-expect
    it.each(operations.map(op => [label(op), op] as const))(
      '%s',
      async (_, op) => {
        const seed = seedOf(caller, op.operationId);
        let last: string | undefined;
        /** FUZZ_EXPLORE: every distinct failure, unshrunk. */
        const distinct = new Map<string, string>();
        await fc.assert(
          fc.asyncProperty(
            requestArbitrary(op, values, realistic),
            async request => {
              const { sent, outcome } = await exchange(caller, request);
              const problems = problemsOf({
                op,
                request,
                outcome,
                budgetMs: BUDGET_MS,
                basePath: BASE_PATH,
                // Without the caller's own credentials, the request is someone else's.
                leaks:
                  caller === 'limited user' && request.auth === 'caller'
                    ? { detector, unreadable, records: RECORDS }
                    : undefined,
              });
              if (problems.length) {
                last = formatFailure(
                  caller,
                  op,
                  request,
                  sent,
                  outcome,
                  problems,
                );
                if (EXPLORE) {
                  const key = signature(problems, request, outcome);
                  if (!distinct.has(key)) distinct.set(key, last);
                  return;
                }
                throw new FuzzFailure(last);
              }
            },
          ),
          {
            numRuns: RUNS,
            seed,
            endOnFailure: false,
            plugins: [fc.interruptAfterTimeLimit(PROPERTY_MS)],
            asyncReporter: async details => {
              if (distinct.size) {
                const reports = [...distinct.values()];
                reports.forEach(r =>
                  found.push(summaryLine(database, caller, op, r)),
                );
                throw new Error(
                  `[${database}] as ${caller}: ${
                    reports.length
                  } distinct failures in ${
                    details.numRuns
                  } runs (FUZZ_SEED=${BASE_SEED}, property seed ${
                    details.seed
                  }):\n\n${reports.join('\n\n')}`,
                );
              }
              if (!details.failed) return;
              const error = details.errorInstance;
              const message =
                error instanceof FuzzFailure
                  ? error.message
                  : `${label(op)}\n  ${String(
                      (error as Error)?.stack ?? error,
                    )}${last ? `\n  last failing request:\n${last}` : ''}`;
              const report = `[${database}] as ${caller}: ${message}\n  reproduce: FUZZ_SEED=${BASE_SEED} FUZZ_ONLY=${
                op.operationId
              } (property seed ${details.seed}, path ${JSON.stringify(
                details.counterexamplePath,
              )}, ${details.numRuns} runs, shrunk ${details.numShrinks} times${
                details.interrupted
                  ? ', shrinking interrupted by FUZZ_PROPERTY_MS'
                  : ''
              })`;
              found.push(summaryLine(database, caller, op, message));
              throw new Error(report);
            },
          },
        );
      },
    );
  });
});
