/**
 * Setting up the fuzzed backend: calls as a service, its start-up and the data it is
 * given to answer with, what the generators know of that data, and dropping the
 * PostgreSQL databases of a run.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import knexFactory from 'knex';
import { BackendProcess } from './backendProcess';
import { Realistic } from './realisticValues';

const SERVICE = mockCredentials.service.header();

/** Sends a request as a service; fails when no answer comes. */
export async function serviceCall(
  backend: BackendProcess,
  method: string,
  path: string,
  body?: unknown,
) {
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
}

/** Sends a request as a service; fails unless it answers with `status`. */
export async function expectStatus(
  backend: BackendProcess,
  status: number,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await serviceCall(backend, method, path, body);
  if (res.status !== status) {
    throw new Error(
      `Setting up: ${method} ${path} answered ${res.status}, not ${status}: ${res.body}`,
    );
  }
  return res;
}

/** Starts the backend, waits for its start-up pass, and gives it data to answer with. */
export async function startAndSeed(backend: BackendProcess) {
  await backend.start();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await serviceCall(backend, 'GET', '/aggregates');
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
    await expectStatus(backend, 201, 'POST', '/scaffold-events', {
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
    await expectStatus(backend, 202, 'POST', '/facts', {
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
  // Upgrade runs: the limited user may read orders-api, not payments-api or
  // checkout-api (whose results carry a canary), nor the payments system.
  const upgraded = (entity: string, outcome: string, extra: object = {}) => ({
    entityRef: `component:default/${entity}`,
    fromVersion: '2.3.0',
    outcome,
    ...extra,
  });
  for (const run of [
    {
      templateRef: 'template:default/api-service',
      toVersion: '2.5.0',
      scope: { owner: 'group:default/orders' },
      results: [
        upgraded('orders-api', 'opened', {
          url: 'https://github.com/acme/orders-api/pull/41',
          branch: 'paved-road/upgrade-api-service-2.5.0',
        }),
        upgraded('payments-api', 'failed', {
          reason: 'canary-unreadable: the merge failed',
          branch: 'canary-unreadable',
        }),
        upgraded('checkout-api', 'conflicted', {
          url: 'https://github.com/acme/canary-unreadable/pull/1',
          conflicts: 3,
        }),
      ],
    },
    {
      templateRef: 'template:default/api-service',
      toVersion: '2.5.1',
      scope: { system: 'system:default/payments' },
      results: [upgraded('orders-api', 'current')],
    },
    {
      templateRef: 'template:default/api-service',
      toVersion: '2.5.0',
      results: [
        upgraded('payments-api', 'opened', {
          url: 'https://github.com/acme/canary-unreadable/pull/2',
        }),
      ],
    },
  ]) {
    await expectStatus(backend, 201, 'POST', '/upgrade-runs', run);
  }
  // A campaign created through the API, beside the configured one (fuzzBackend.ts);
  // the limited user may read its owner.
  await expectStatus(backend, 201, 'POST', '/campaigns', {
    id: 'api-service-2',
    title: 'Every API on api-service 2',
    description: 'No service more than one major behind.',
    owner: 'group:default/orders',
    goal: {
      type: 'template-version',
      template: 'template:default/api-service',
      range: '>=2.0.0',
    },
    scope: { kind: 'Component', type: 'service' },
    startsOn: '2026-12-01',
    deadline: '2027-06-30',
  });
  await expectStatus(backend, 200, 'POST', '/evaluate', {});
}

/** What the generators know of the backend's data. */
export async function loadRealistic(
  backend: BackendProcess,
  entities: Entity[],
  refs: string[],
): Promise<Realistic> {
  const scorecardsRes = await expectStatus(backend, 200, 'GET', '/scorecards');
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
    const res = await serviceCall(
      backend,
      'GET',
      `/facts/component/default/${name}`,
    );
    if (res.status === 200) leaves(JSON.parse(res.body).facts, '');
  }
  const sources = JSON.parse(
    (await expectStatus(backend, 200, 'GET', '/fact-sources')).body,
  ).items as Array<{ id: string }>;
  const aggregates = await serviceCall(backend, 'GET', '/aggregates');
  const specs = entities.map(e => (e.spec ?? {}) as Record<string, unknown>);
  const strings = (key: string) => [
    ...new Set(
      specs.map(s => s[key]).filter((v): v is string => typeof v === 'string'),
    ),
  ];
  return {
    entityRefs: refs,
    scorecardIds: scorecards.map(s => s.id),
    levelIds: [...new Set(scorecards.flatMap(s => s.levels.map(l => l.id)))],
    checkIds: [...new Set(scorecards.flatMap(s => s.checks.map(c => c.id)))],
    scorecards: Object.fromEntries(
      scorecards.map(s => [
        s.id,
        { levels: s.levels.map(l => l.id), checks: s.checks.map(c => c.id) },
      ]),
    ),
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
    upgradeRunIds: (
      JSON.parse(
        (await expectStatus(backend, 200, 'GET', '/upgrade-runs?limit=500'))
          .body,
      ).items as Array<{ id: string }>
    ).map(r => r.id),
    campaignIds: (
      JSON.parse((await expectStatus(backend, 200, 'GET', '/campaigns')).body)
        .items as Array<{ id: string }>
    ).map(c => c.id),
    etags: [scorecardsRes.headers.etag, aggregates.headers.etag].filter(
      (v): v is string => typeof v === 'string',
    ),
  };
}

/** Drops the PostgreSQL databases whose names start with `prefix` (the backend's). */
export async function dropDatabases(
  connection: string | undefined,
  prefix: string,
) {
  const knex = knexFactory({ client: 'pg', connection });
  try {
    const { rows } = await knex.raw(
      'select datname from pg_database where datname like ?',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await knex.raw('drop database if exists ??', [datname]);
    }
  } finally {
    await knex.destroy();
  }
}
