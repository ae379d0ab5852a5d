/*
 * Campaigns for the scorecards benchmark's phase 1: 20 campaigns over the synthetic
 * organisation (bench/catalog.ts), declared under `pavedRoad.campaigns`, whose progress
 * the backend computes at the end of every pass; and, at the largest size with
 * `--campaign-breakdown`, what each statement of that computation costs, measured
 * against the benchmark's own database before it is dropped.
 */
import { writeFileSync } from 'node:fs';
import knexFactory, { Knex } from 'knex';
import { Client } from 'pg';
import {
  Campaign,
  CampaignInput,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { CampaignProgressStore } from '../plugins/paved-road-backend/src/database/CampaignProgressStore';
import { TemplateReleaseStore } from '../plugins/paved-road-backend/src/database/TemplateReleaseStore';
import { CampaignProgressTracker } from '../plugins/paved-road-backend/src/service/CampaignProgressTracker';
import { TemplateReleaseTracker } from '../plugins/paved-road-backend/src/service/TemplateReleaseTracker';
import { PG_URL } from './backend';
import { TEMPLATES } from './catalog';

const group = (name: string) => `group:default/${name}`;
const system = (name: string) => `system:default/${name}`;
const template = (name: string) => `template:default/${name}`;

/**
 * 20 campaigns, as a platform team would run them at once: level goals on each
 * scorecard, checks goals naming 1 to 3 checks, template-version goals on the three
 * golden-path templates components are scaffolded from (platform-tool has none in the
 * synthetic catalog), scoped by department (a department's teams included), team,
 * system, kind, type and lifecycle, and two with a `filter` over the facts (read and
 * filtered in JavaScript, the slower path).
 */
export function benchCampaigns(): CampaignInput[] {
  const base = {
    description: 'Benchmark campaign.',
    owner: group('team-0'),
    startsOn: '2026-11-02',
    deadline: '2027-03-31',
  };
  const level = (scorecard: string, lvl: string) =>
    ({ type: 'level', scorecard, level: lvl } as const);
  const checks = (scorecard: string, ids: string[]) =>
    ({ type: 'checks', scorecard, checks: ids } as const);
  const version = (name: string, range: string) =>
    ({ type: 'template-version', template: template(name), range } as const);
  const campaigns: Array<Omit<CampaignInput, keyof typeof base>> = [
    // Level goals.
    {
      id: 'prod-bronze-everyone',
      title: 'Production readiness bronze, everyone',
      goal: level('production-readiness', 'bronze'),
      scope: {},
    },
    {
      id: 'prod-silver-department-0',
      title: 'Production readiness silver, department 0',
      goal: level('production-readiness', 'silver'),
      scope: { owner: group('department-0') },
    },
    {
      id: 'prod-gold-department-1-production',
      title: 'Production readiness gold, department 1 in production',
      goal: level('production-readiness', 'gold'),
      scope: { owner: group('department-1'), lifecycle: 'production' },
    },
    {
      id: 'prod-silver-services-production',
      title: 'Production readiness silver, services in production',
      goal: level('production-readiness', 'silver'),
      scope: { kind: 'Component', type: 'service', lifecycle: 'production' },
    },
    {
      id: 'docs-bronze-components',
      title: 'Documentation bronze, every component',
      goal: level('documentation-first', 'bronze'),
      scope: { kind: 'Component' },
    },
    {
      id: 'docs-silver-department-2',
      title: 'Documentation silver, department 2',
      goal: level('documentation-first', 'silver'),
      scope: { owner: group('department-2') },
    },
    {
      id: 'docs-gold-system-7',
      title: 'Documentation gold, system 7',
      goal: level('documentation-first', 'gold'),
      scope: { system: system('system-7') },
    },
    {
      id: 'golden-path-silver-everyone',
      title: 'Golden path silver, everyone',
      goal: level('golden-path-adoption', 'silver'),
      scope: {},
    },
    {
      id: 'platform-assets-silver',
      title: 'Platform assets silver',
      goal: level('platform-asset', 'silver'),
      scope: {},
    },
    // Checks goals.
    {
      id: 'on-call-production',
      title: 'On-call and alerts in production',
      goal: checks('production-readiness', ['on-call', 'alerts']),
      scope: { lifecycle: 'production' },
    },
    {
      id: 'non-root-department-3',
      title: 'Non-root containers, department 3',
      goal: checks('production-readiness', ['non-root']),
      scope: { owner: group('department-3') },
    },
    {
      id: 'probes-limits-department-4-services',
      title: 'Probes, limits and pinned images, department 4 services',
      goal: checks('production-readiness', [
        'probes',
        'resource-limits',
        'pinned-images',
      ]),
      scope: { owner: group('department-4'), type: 'service' },
    },
    {
      id: 'techdocs-team-5',
      title: 'TechDocs, team 5',
      goal: checks('documentation-first', ['techdocs']),
      scope: { owner: group('team-5') },
    },
    {
      id: 'escape-hatches-system-12',
      title: 'Escape hatches recorded and template current, system 12',
      goal: checks('golden-path-adoption', [
        'escape-hatches-recorded',
        'template-version-current',
      ]),
      scope: { system: system('system-12') },
    },
    // Template-version goals.
    {
      id: 'api-service-2',
      title: 'api-service 2.x everywhere',
      goal: version('api-service', '>=2.0.0'),
      scope: {},
    },
    {
      id: 'api-service-2-3-department-6',
      title: 'api-service 2.3, department 6',
      goal: version('api-service', '>=2.3.0'),
      scope: { owner: group('department-6') },
    },
    {
      id: 'worker-1-3-department-5',
      title: 'worker 1.3, department 5',
      goal: version('worker', '>=1.3.0'),
      scope: { owner: group('department-5') },
    },
    {
      id: 'cron-job-1-2-production',
      title: 'cron-job 1.2 in production',
      goal: version('cron-job', '^1.2.0'),
      scope: { lifecycle: 'production' },
    },
    // Filters over facts (read and filtered in JavaScript).
    {
      id: 'prod-silver-filter-production',
      title: 'Production readiness silver, production (filter)',
      goal: level('production-readiness', 'silver'),
      scope: { filter: { 'entity.lifecycle': 'production' } },
    },
    {
      id: 'quickstart-department-7-golden-path',
      title: 'Quickstart, department 7 golden-path services (filter)',
      goal: checks('documentation-first', ['quickstart']),
      scope: {
        owner: group('department-7'),
        filter: { 'provenance.goldenPath': true },
      },
    },
  ];
  return campaigns.map(c => ({ ...base, ...c } as CampaignInput));
}

/** The benchmark backend's Paved Road database (`<prefix>paved-road`). */
async function pavedRoadDatabase(prefix: string) {
  const admin = knexFactory({ client: 'pg', connection: PG_URL });
  try {
    const { rows } = await admin.raw(
      "SELECT datname FROM pg_database WHERE datname LIKE ? ESCAPE '\\' ORDER BY datname",
      [`${prefix.replace(/[\\%_]/g, c => `\\${c}`)}%`],
    );
    const names: string[] = rows.map((r: { datname: string }) => r.datname);
    const name = names.find(n => n.includes('paved-road')) ?? names[0];
    if (!name) throw new Error(`No database ${prefix}*`);
    return name;
  } finally {
    await admin.destroy();
  }
}

/** What a statement of the campaign computation is, by its SQL. */
function statementKind(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim().toLowerCase();
  if (/^insert into paved_road_campaign_entities .*select/.test(s))
    return 'reconcile: INSERT joined … SELECT scope';
  if (/^select "s"\.\*/.test(s))
    return 'reconcile: SELECT changed (scope ⋈ stored)';
  if (/^delete from "paved_road_campaign_entities" .*not in/.test(s))
    return 'reconcile: DELETE left (NOT IN scope)';
  if (/^select distinct/.test(s)) return 'template versions in use (DISTINCT)';
  if (/^with "r" as materialized/.test(s) && / limit /.test(s))
    return 'filtered scope: page of facts (ORDER BY, OFFSET)';
  if (
    /^select \* from "paved_road_campaign_entities" where "campaign_id"/.test(s)
  )
    return 'reconcileRows: SELECT stored';
  if (/^insert into "paved_road_campaign_entities"/.test(s))
    return 'reconcileRows: INSERT joined (100 rows)';
  if (/^delete from "paved_road_campaign_entities" .*"entity_ref" in/.test(s))
    return 'reconcileRows: DELETE left';
  if (/^update "paved_road_campaign_entities"/.test(s)) return 'UPDATE changed';
  if (/^select "owner", "state", count/.test(s))
    return 'count: per owner and state';
  if (/count\(\*\) as "regressed"/.test(s)) return 'count: regressed';
  if (/as "completions"/.test(s)) return 'count: median days (histogram)';
  if (/^insert into "paved_road_campaign_days"/.test(s)) return 'writeDay';
  if (/^(begin|commit|rollback|savepoint|release)/.test(s))
    return 'transaction';
  return s.slice(0, 60);
}

interface Statement {
  kind: string;
  sql: string;
  bindings: unknown[];
  ms: number;
}

/** Records every statement `db` runs (its SQL, bindings and time) while `fn` runs. */
async function recording<T>(
  db: Knex,
  fn: () => Promise<T>,
): Promise<[T, Statement[]]> {
  const started = new Map<string, { at: number; sql: string; bindings: any }>();
  const statements: Statement[] = [];
  const onQuery = (q: any) =>
    started.set(q.__knexQueryUid, {
      at: performance.now(),
      sql: q.sql,
      bindings: q.bindings ?? [],
    });
  const onResponse = (_: unknown, q: any) => {
    const s = started.get(q.__knexQueryUid);
    if (!s) return;
    statements.push({
      kind: statementKind(s.sql),
      sql: s.sql,
      bindings: s.bindings,
      ms: performance.now() - s.at,
    });
  };
  db.on('query', onQuery);
  db.on('query-response', onResponse);
  try {
    return [await fn(), statements];
  } finally {
    db.off('query', onQuery);
    db.off('query-response', onResponse);
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of a statement, in a transaction rolled back. */
async function explain(client: Client, statement: Statement) {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query(
      `EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`,
      statement.bindings as any[],
    );
    return rows.map((r: any) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('ROLLBACK');
  }
}

const sum = (xs: Statement[]) => xs.reduce((n, s) => n + s.ms, 0);

function byKind(statements: Statement[]) {
  const out = new Map<string, { count: number; ms: number }>();
  for (const s of statements) {
    const k = out.get(s.kind) ?? { count: 0, ms: 0 };
    k.count++;
    k.ms += s.ms;
    out.set(s.kind, k);
  }
  return [...out].sort((a, b) => b[1].ms - a[1].ms);
}

/**
 * Against the benchmark backend's database, after its passes: each campaign's progress
 * computed again as the tracker computes it (CampaignProgressTracker.updateOne), once as
 * it stands (steady: every entity already stored, as in an incremental pass) and once
 * under a fresh id (cold: every entity joins, as in the first pass), every statement
 * timed; then EXPLAIN ANALYZE of the costliest statements, and the template release
 * tracker's per-pass work timed. Writes the details to `outPath` and answers a summary.
 */
export async function campaignBreakdown(options: {
  databasePrefix: string;
  campaigns: CampaignInput[];
  scorecards: ScorecardDefinition[];
  /** Each group ref's subgroups, as the catalog index answers them. */
  descendantsOf: (groupRef: string) => string[];
  outPath: string;
}) {
  const database = await pavedRoadDatabase(options.databasePrefix);
  const connection = `${PG_URL.replace(/\/$/, '')}/${encodeURIComponent(
    database,
  )}`;
  const db = knexFactory({
    client: 'pg',
    connection,
    pool: { min: 1, max: 4 },
  });
  const client = new Client({ connectionString: connection });
  await client.connect();
  const lines: string[] = [`Campaign progress breakdown, database ${database}`];
  const database_ = {
    getClient: async () => db,
    migrations: { skip: true },
  } as any;
  try {
    const store = await CampaignProgressStore.create({ database: database_ });
    const tracker = new CampaignProgressTracker({
      store,
      index: { descendantsOf: options.descendantsOf },
      campaigns: async () => [],
      scorecards: () => options.scorecards,
    });
    const now = new Date();
    const asCampaign = (input: CampaignInput, id = input.id): Campaign => ({
      ...input,
      id,
      source: 'config',
      createdAt: now.toISOString(),
      createdBy: 'config',
      updatedAt: now.toISOString(),
      updatedBy: 'config',
    });
    const steady: Statement[] = [];
    const cold: Statement[] = [];
    const perCampaign: Array<{
      id: string;
      entities: number;
      steadyMs: number;
      coldMs: number;
      analyzedMs?: number;
    }> = [];
    const statementsOf = new Map<
      string,
      { steady: Statement[]; cold: Statement[] }
    >();
    for (const input of options.campaigns) {
      const [, s] = await recording(db, () =>
        tracker.updateOne(asCampaign(input), now),
      );
      const coldId = `${input.id.slice(0, 57)}-cold`;
      const [, c] = await recording(db, () =>
        tracker.updateOne(asCampaign(input, coldId), now),
      );
      const [{ n }] = await db('paved_road_campaign_entities')
        .where('campaign_id', coldId)
        .count({ n: '*' });
      await db('paved_road_campaign_entities')
        .where('campaign_id', coldId)
        .delete();
      await db('paved_road_campaign_days')
        .where('campaign_id', coldId)
        .delete();
      steady.push(...s);
      cold.push(...c);
      statementsOf.set(input.id, { steady: s, cold: c });
      perCampaign.push({
        id: input.id,
        entities: Number(n),
        steadyMs: sum(s),
        coldMs: sum(c),
      });
    }
    lines.push(
      '',
      'Per campaign: entities in scope, statement time steady (all stored) / cold (all join), ms',
    );
    for (const p of perCampaign) {
      lines.push(
        `  ${p.id.padEnd(40)} ${String(p.entities).padStart(7)}  ${p.steadyMs
          .toFixed(0)
          .padStart(6)} / ${p.coldMs.toFixed(0).padStart(6)}`,
      );
    }
    const kinds = (title: string, statements: Statement[]) => {
      lines.push('', `${title}: ${sum(statements).toFixed(0)} ms in all`);
      for (const [kind, k] of byKind(statements)) {
        lines.push(
          `  ${kind.padEnd(52)} ${String(k.count).padStart(5)}x ${k.ms
            .toFixed(0)
            .padStart(7)} ms`,
        );
      }
    };
    kinds('Steady, by statement', steady);
    kinds('Cold, by statement', cold);

    // The costliest statements explained: a cold INSERT is explained under its
    // campaign's cold id again (its rows were deleted above), rolled back.
    const explainTop = async (
      label: string,
      statements: Statement[],
      count: number,
    ) => {
      for (const [kind] of byKind(statements)
        .filter(([k]) => k !== 'transaction')
        .slice(0, count)) {
        const worst = statements
          .filter(s => s.kind === kind)
          .sort((a, b) => b.ms - a.ms)[0];
        lines.push(
          '',
          `=== ${label}: ${kind} (${worst.ms.toFixed(0)} ms when run)`,
          worst.sql,
          `bindings: ${JSON.stringify(worst.bindings).slice(0, 400)}`,
        );
        try {
          lines.push(await explain(client, worst));
        } catch (error) {
          lines.push(`EXPLAIN failed: ${(error as Error).message}`);
        }
      }
    };

    // The template release tracker's per-pass work: one query counting golden-path
    // entities per template and version, then an upsert per template.
    const releases = await TemplateReleaseStore.create({ database: database_ });
    const releaseTracker = new TemplateReleaseTracker({
      store: releases,
      index: {
        templates: () =>
          TEMPLATES.map(([name, latest]) => ({
            ref: template(name),
            latestVersion: latest,
            releasedAt: null,
          })),
      },
    });
    const median = (xs: number[]) =>
      [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const timeReleases = async (label: string) => {
      const times: number[] = [];
      const queryTimes: number[] = [];
      let versionStatement: Statement | undefined;
      for (let i = 0; i < 5; i++) {
        const [, statements] = await recording(db, () =>
          releaseTracker.update(),
        );
        times.push(sum(statements));
        const counted = statements.find(s =>
          /count\(\*\) as count/i.test(s.sql),
        );
        if (counted) {
          queryTimes.push(counted.ms);
          versionStatement = counted;
        }
      }
      lines.push(
        '',
        `=== ${label}: template release tracker update() ${median(
          times,
        ).toFixed(1)} ms, of which the version count query ${median(
          queryTimes,
        ).toFixed(1)} ms (median of 5)`,
      );
      if (versionStatement) {
        lines.push(
          versionStatement.sql,
          await explain(client, versionStatement),
        );
      }
      return { updateMs: median(times), queryMs: median(queryTimes) };
    };

    await explainTop('steady, as planned in the passes', steady, 3);
    await explainTop('cold, as planned in the passes', cold, 1);
    const release = await timeReleases('as in the passes');

    // The same steady computation once the tables have statistics, as autovacuum's
    // ANALYZE gives them within minutes of a pass on a deployed PostgreSQL (with
    // autovacuum off, as on the benchmark's server, the passes planned without any).
    const autovacuum = (await db.raw('SHOW autovacuum')).rows[0].autovacuum;
    const analyzeStarted = performance.now();
    await db.raw('ANALYZE');
    const analyzeMs = performance.now() - analyzeStarted;
    const analyzed: Statement[] = [];
    for (const input of options.campaigns) {
      const [, s] = await recording(db, () =>
        tracker.updateOne(asCampaign(input), now),
      );
      analyzed.push(...s);
      perCampaign.find(c => c.id === input.id)!.analyzedMs = sum(s);
    }
    kinds(
      `Steady after ANALYZE (${analyzeMs.toFixed(
        0,
      )} ms; autovacuum is ${autovacuum} on this server), by statement`,
      analyzed,
    );
    lines.push(
      '',
      `Per campaign after ANALYZE, ms: ${perCampaign
        .map(p => `${p.id} ${p.analyzedMs!.toFixed(0)}`)
        .join(', ')}`,
    );
    await explainTop('steady after ANALYZE', analyzed, 3);
    const releaseAnalyzed = await timeReleases('after ANALYZE');
    writeFileSync(options.outPath, `${lines.join('\n')}\n`);
    return {
      steadyMs: sum(steady),
      coldMs: sum(cold),
      analyzedMs: sum(analyzed),
      analyzedByKind: byKind(analyzed).slice(0, 6),
      analyzeMs,
      autovacuum,
      steadyByKind: byKind(steady).slice(0, 6),
      coldByKind: byKind(cold).slice(0, 6),
      perCampaign,
      releaseUpdateMs: release.updateMs,
      releaseQueryMs: release.queryMs,
      releaseAnalyzed,
    };
  } finally {
    await client.end();
    await db.destroy();
  }
}
