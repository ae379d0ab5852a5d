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
import knexFactory from 'knex';
import { spec } from '../schema/openapi';
import { limitedUserHeader } from '../service/__testUtils__/partialVisibility';
import {
  BackendProcess,
  BASE_PATH,
  Outcome,
  RawRequest,
} from './__testUtils__/backendProcess';
import { exampleCatalog, splitCatalog } from './__testUtils__/fuzzCatalog';
import { LeakDetector, problemsOf } from './__testUtils__/fuzzOracles';
import {
  describe as describeValue,
  FuzzRequest,
  Operation,
  operationsOf,
  Realistic,
  realisticHints,
  requestArbitrary,
  SchemaValues,
} from './__testUtils__/openApiArbitraries';

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
const RECORDS = ['RecordScaffoldEvent'];

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
const SERVICE = callers.service;

const operations = operationsOf(spec).filter(
  op =>
    !ONLY ||
    `${op.method} ${op.template}`.includes(ONLY) ||
    op.operationId.includes(ONLY),
);
const label = (op: Operation) => `${op.method} ${op.template}`;

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

/** Everything a failure report shows, shortened. */
function excerpt(text: string, max = 600) {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}

/** The start and the end of a long line (a database error's point is at its end). */
function ends(text: string, max = 500) {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)} … ${text.slice(-half)}`;
}

function formatFailure(
  caller: Caller,
  op: Operation,
  request: FuzzRequest,
  sent: RawRequest,
  outcome: Outcome,
  problems: string[],
) {
  const lines = [
    ...problems.map(p => `problem:  ${p}`),
    `caller:   ${caller}${
      request.auth === 'caller'
        ? ''
        : ` (Authorization ${
            request.auth === 'none'
              ? 'left out'
              : describeValue(request.auth.header)
          })`
    }`,
    `request:  ${sent.method} ${excerpt(`${BASE_PATH}${sent.path}`, 400)}`,
  ];
  if (request.hostile.length)
    lines.push(`hostile:  ${request.hostile.join('; ')}`);
  const headers = Object.fromEntries(
    Object.entries(sent.headers).filter(([k]) => k !== 'Authorization'),
  );
  if (Object.keys(headers).length) {
    lines.push(`headers:  ${excerpt(JSON.stringify(headers), 300)}`);
  }
  if (sent.body !== undefined) {
    lines.push(
      `body:     ${excerpt(JSON.stringify(sent.body).slice(1, -1), 1200)}`,
    );
  }
  if (outcome.kind === 'response') {
    lines.push(
      `answer:   ${outcome.status} in ${outcome.elapsedMs} ms, ${
        outcome.headers['content-type'] ?? 'no content type'
      }`,
      `response: ${excerpt(outcome.body, 600) || '(empty)'}`,
    );
  } else {
    lines.push(
      `answer:   none (${outcome.reason}) after ${outcome.elapsedMs} ms`,
    );
  }
  const log = outcome.log.filter(l => /error|exception|\bat /i.test(l));
  if (log.length) {
    lines.push(
      `backend:  ${log
        .slice(0, 8)
        .map(l => ends(l))
        .join('\n          ')}`,
    );
  }
  return `${label(op)}\n${lines.map(l => `  ${l}`).join('\n')}`;
}

class FuzzFailure extends Error {}

/**
 * What makes two failures the same bug: the kind of problem and the error the backend
 * gave (numbers, ids and quoted values left out); for a hang or a crash, which parts
 * of the request were hostile.
 */
function signature(problems: string[], request: FuzzRequest, outcome: Outcome) {
  const generic = (text: string) =>
    text
      .replace(/"[^"]*"|'[^']*'/g, '…')
      .replace(/[0-9a-f]{8,}|\d+(\.\d+)?(e[-+]?\d+)?/gi, '#');
  const kinds = problems.map(p => {
    if (!p.startsWith('leak:')) return p.split(':')[0];
    return p.includes(' mentions ') ? 'leak (mentions)' : 'leak (answered)';
  });
  if (outcome.kind === 'no-response') {
    return JSON.stringify([kinds, request.hostile.map(h => generic(h)).sort()]);
  }
  let error = '';
  if (outcome.status >= 500) {
    // The error handler's line (other lines may belong to other requests).
    const logged =
      outcome.log.find(l =>
        /Request failed with status|internal error/.test(l),
      ) ?? '';
    // The error's name and message; a database error's reason ends its log line.
    let answered = outcome.body;
    try {
      const { name, message } = JSON.parse(outcome.body).error;
      answered = `${name}: ${message}`;
    } catch {
      // Not Backstage's error body: the body as it is.
    }
    error = `${generic(answered).slice(0, 200)} ${generic(logged).slice(-150)}`;
  }
  return JSON.stringify([kinds, error]);
}

/** `[sqlite] limited user: GET /path: problem; request: …`, for the summary. */
function summaryLine(
  database: string,
  caller: Caller,
  op: Operation,
  message: string,
) {
  const field = (name: string) =>
    message
      .split('\n')
      .filter(l => l.trim().startsWith(`${name}:`))
      .map(l => {
        const value = l
          .trim()
          .slice(name.length + 1)
          .trim();
        return name === 'backend' ? ends(value, 240) : excerpt(value, 160);
      });
  return `[${database}] ${caller}: ${label(op)}\n    ${[
    ...field('problem'),
    ...field('request'),
    ...field('hostile'),
    ...field('body').map(b => `body ${b}`),
    ...field('backend').map(b => `backend ${b}`),
  ].join('\n    ')}`;
}

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

  const call = async (method: string, path: string, body?: unknown) => {
    const outcome = await backend.send(
      {
        method,
        path,
        headers: {
          Authorization: SERVICE,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      },
      30_000,
    );
    if (outcome.kind !== 'response') {
      throw new Error(`${method} ${path}: ${outcome.message}`);
    }
    return outcome;
  };
  const expectStatus = async (
    status: number,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await call(method, path, body);
    if (res.status !== status) {
      throw new Error(
        `Setting up: ${method} ${path} answered ${res.status}, not ${status}: ${res.body}`,
      );
    }
    return res;
  };

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

  /** Starts the backend, waits for its start-up pass, and gives it data to answer with. */
  async function startAndSeed() {
    await backend.start();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await call('GET', '/aggregates');
      if (res.status === 200 && JSON.parse(res.body).evaluatedAt) break;
      if (Date.now() > deadline) {
        throw new Error(`No start-up evaluation within a minute: ${res.body}`);
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    const events = [
      [
        'component:default/orders-api',
        'api-service',
        '2.3.0',
        'user:default/amara.okafor',
      ],
      [
        'component:default/order-events-worker',
        'worker',
        '1.4.0',
        'user:default/amara.okafor',
      ],
      // The limited user may not read these: their data carries a canary.
      [
        'component:default/payments-api',
        'api-service',
        '2.2.0-canary.unreadable',
        'user:default/canary-unreadable',
      ],
      [
        'component:default/checkout-api',
        'cron-job',
        '1.1.0-canary.unreadable',
        'user:default/canary-unreadable',
      ],
    ];
    for (const [entityRef, template, templateVersion, initiatedBy] of events) {
      await expectStatus(201, 'POST', '/scaffold-events', {
        templateRef: `template:default/${template}`,
        templateVersion,
        entityRef,
        hoursSaved: 12.5,
        initiatedBy,
      });
    }
    for (const [entityRef, branch] of [
      ['component:default/orders-api', 'main'],
      ['component:default/order-archiver', 'release/2.3'],
      ['component:default/payments-api', 'canary-unreadable'],
    ]) {
      await expectStatus(202, 'POST', '/facts', {
        entityRef,
        source: 'ci',
        facts: {
          branch,
          coverage: 81,
          passed: true,
          // A long string for patterns to run over.
          notes: `${'a'.repeat(4096)}!`,
        },
      });
    }
    await expectStatus(200, 'POST', '/evaluate', {});
  }

  /** What the generators know of the backend's data. */
  async function loadRealistic(): Promise<Realistic> {
    const scorecardsRes = await expectStatus(200, 'GET', '/scorecards');
    const { scorecards } = JSON.parse(scorecardsRes.body) as {
      scorecards: Array<{
        id: string;
        appliesTo?: unknown;
        levels: Array<{ id: string }>;
        checks: Array<{
          id: string;
          rule: unknown;
          exemptionGuardrail?: string;
        }>;
      }>;
    };
    const pushedFactPaths = ['pushed.ci.branch', 'pushed.ci.notes'];
    const factPaths = new Set([...pushedFactPaths, 'pushed.ci.coverage']);
    const stringFactPaths = new Set<string>();
    const walk = (rule: unknown) => {
      if (Array.isArray(rule)) rule.forEach(walk);
      else if (rule && typeof rule === 'object') {
        for (const [key, value] of Object.entries(rule)) {
          if (!key.startsWith('$')) factPaths.add(key);
          walk(value);
        }
      }
    };
    for (const s of scorecards) {
      walk(s.appliesTo);
      s.checks.forEach(c => walk(c.rule));
    }
    // The paths the facts of a few entities have, and which of them hold strings.
    const leaves = (value: unknown, at: string) => {
      if (typeof value === 'string') {
        factPaths.add(at);
        stringFactPaths.add(at);
      } else if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [key, v] of Object.entries(value)) {
          leaves(v, at ? `${at}.${key}` : key);
        }
      } else if (at) {
        factPaths.add(at);
      }
    };
    for (const name of [
      'orders-api',
      'payments-api',
      'search-indexer',
      'k8s-yaml-helpers',
    ]) {
      const res = await call('GET', `/facts/component/default/${name}`);
      if (res.status === 200) leaves(JSON.parse(res.body).facts, '');
    }
    const sources = JSON.parse(
      (await expectStatus(200, 'GET', '/fact-sources')).body,
    ).items as Array<{ id: string }>;
    const aggregates = await call('GET', '/aggregates');
    const specs = entities.map(e => (e.spec ?? {}) as Record<string, unknown>);
    const strings = (key: string) => [
      ...new Set(
        specs
          .map(s => s[key])
          .filter((v): v is string => typeof v === 'string'),
      ),
    ];
    return {
      entityRefs: refs,
      scorecardIds: scorecards.map(s => s.id),
      levelIds: [...new Set(scorecards.flatMap(s => s.levels.map(l => l.id)))],
      checkIds: [...new Set(scorecards.flatMap(s => s.checks.map(c => c.id)))],
      guardrails: [
        ...new Set(
          scorecards.flatMap(s =>
            s.checks.flatMap(c =>
              c.exemptionGuardrail ? [c.exemptionGuardrail] : [],
            ),
          ),
        ),
      ],
      factPaths: [...factPaths],
      stringFactPaths: [...stringFactPaths],
      pushedFactPaths,
      sourceIds: [...sources.map(s => s.id), 'ci', 'security-scan'],
      kinds: [...new Set(entities.map(e => e.kind))],
      types: strings('type'),
      lifecycles: strings('lifecycle'),
      templateVersions: [
        ...new Set(
          entities
            .map(e => e.metadata.annotations?.['backstage.io/template-version'])
            .filter((v): v is string => Boolean(v)),
        ),
        '1.0.0-rc.1',
        'v2.3.0',
      ],
      etags: [scorecardsRes.headers.etag, aggregates.headers.etag].filter(
        (v): v is string => typeof v === 'string',
      ),
    };
  }

  beforeAll(async () => {
    await startAndSeed();
    realistic = await loadRealistic();
    values = new SchemaValues(spec as any, {
      ...realisticHints(realistic),
    });
  }, 120_000);

  afterAll(async () => {
    await queue;
    await backend.stop();
    if (database === 'postgres') {
      const knex = knexFactory({ client: 'pg', connection: PG_CONNECTION });
      try {
        const { rows } = await knex.raw(
          'select datname from pg_database where datname like ?',
          [`${pgPrefix}%`],
        );
        for (const { datname } of rows) {
          await knex.raw('drop database if exists ??', [datname]);
        }
      } finally {
        await knex.destroy();
      }
    }
    const mine = found.filter(f => f.startsWith(`[${database}]`));
    if (mine.length) {
      // eslint-disable-next-line no-console
      console.log(
        `The fuzzer found ${
          mine.length
        } failing properties on ${database} (FUZZ_SEED=${BASE_SEED}; details in each test's failure):\n${mine.join(
          '\n',
        )}`,
      );
    }
  }, 60_000);

  /** Sends one request as `caller`, restarting a backend a previous request killed. */
  async function exchangeNow(caller: Caller, request: FuzzRequest) {
    if (!backend.alive) {
      await backend.kill();
      await startAndSeed();
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
