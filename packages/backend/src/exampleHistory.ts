/*
 * Dev instance only: gives the example organisation a past. The dev instance starts
 * with an empty in-memory database, so its dashboard trends and campaign burn-up charts
 * would show a single point, today's. Once the first evaluation pass has written
 * today's snapshots, this module writes illustrative earlier days from them, so a
 * newcomer sees charts with a shape: 90 days of scorecard history in which levels,
 * golden-path adoption and hours saved climb to where they are today, and, for each
 * campaign declared in app-config, one day from its start in which its entities
 * complete at a steady pace up to today's count. It writes nothing once earlier days
 * exist. Not part of the bundle: an installation's history is its own passes'.
 */

import {
  coreServices,
  createBackendModule,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import { untilDone } from './untilDone';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const DAYS = 90;
const SNAPSHOTS = 'paved_road_snapshots';
const RESULTS = 'paved_road_results';
const CAMPAIGN_DAYS = 'paved_road_campaign_days';
/** The share of entities a level lower 90 days ago. */
const DEMOTED_AT_START = 0.45;

const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);
const daysBefore = (day: string, n: number) =>
  dayOf(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000);

type Row = {
  day: string;
  scope: string;
  ref: string;
  scorecard_id: string;
  data: string;
};

/** Moves `share` of each level's entities one level down, as they were earlier. */
function demote(
  levels: Record<string, number>,
  order: string[],
  share: number,
): Record<string, number> {
  const ladder = ['none', ...order];
  const out: Record<string, number> = { ...levels };
  for (let i = 1; i < ladder.length; i++) {
    const moved = Math.floor((levels[ladder[i]] ?? 0) * share);
    if (!moved) continue;
    out[ladder[i]] = (out[ladder[i]] ?? 0) - moved;
    out[ladder[i - 1]] = (out[ladder[i - 1]] ?? 0) + moved;
  }
  return out;
}

/** An aggregate row's data as it was `share` of the way back to the start. */
function earlier(row: Row, order: string[], share: number): string {
  const data = JSON.parse(row.data);
  if (row.scorecard_id === '_totals') {
    const adopted = Math.round(data.goldenPath.adopted * (1 - share));
    const drift = { ...data.drift };
    const lagging = Math.floor((drift.current ?? 0) * share);
    if (lagging) {
      drift.current -= lagging;
      drift.minor = (drift.minor ?? 0) + lagging;
    }
    return JSON.stringify({
      ...data,
      goldenPath: {
        ...data.goldenPath,
        adopted,
        rate: data.goldenPath.eligible ? adopted / data.goldenPath.eligible : 0,
      },
      drift,
      hoursSaved: Math.round(data.hoursSaved * (1 - share) * 10) / 10,
    });
  }
  return JSON.stringify({ ...data, levels: demote(data.levels, order, share) });
}

/** Writes 90 earlier days of scorecard snapshots from today's; false until today's exist. */
async function backfillScorecards(db: Knex, today: string): Promise<boolean> {
  const rows: Row[] = await db(SNAPSHOTS).where({ day: today });
  if (!rows.some(r => r.scope === 'day')) return false;
  if (await db(SNAPSHOTS).where('day', '<', today).first()) return true;
  const levels: Array<{
    scorecard_id: string;
    level: string;
    level_index: number;
  }> = await db(RESULTS)
    .distinct('scorecard_id', 'level', 'level_index')
    .whereNotNull('level')
    .orderBy('level_index');
  const orderOf = (scorecardId: string) =>
    levels.filter(l => l.scorecard_id === scorecardId).map(l => l.level);
  const aggregates = rows.filter(
    r => r.scope !== 'entity' && r.scope !== 'day',
  );
  const entities = rows.filter(r => r.scope === 'entity');
  await db.transaction(async tx => {
    for (let age = DAYS; age >= 1; age--) {
      const day = daysBefore(today, age);
      const share = (DEMOTED_AT_START * age) / DAYS;
      const out = [
        { day, scope: 'day', ref: 'day', scorecard_id: 'day', data: '{}' },
        ...aggregates.map(r => ({
          ...r,
          day,
          data: earlier(r, orderOf(r.scorecard_id), share),
        })),
      ];
      for (let i = 0; i < out.length; i += 200) {
        await tx(SNAPSHOTS).insert(out.slice(i, i + 200));
      }
    }
    // Each entity a level lower until a day of its own, then as today: its trend steps up.
    const first = daysBefore(today, DAYS);
    const changes: Row[] = [];
    for (const row of entities) {
      const { level } = JSON.parse(row.data);
      const order = orderOf(row.scorecard_id);
      const index = level === null ? -1 : order.indexOf(level);
      if (index < 0) continue;
      const hash = [...`${row.ref}/${row.scorecard_id}`].reduce(
        (h, c) => (h * 31 + c.charCodeAt(0)) >>> 0,
        7,
      );
      changes.push(
        {
          ...row,
          day: first,
          data: JSON.stringify({ level: order[index - 1] ?? null }),
        },
        { ...row, day: daysBefore(today, 5 + (hash % (DAYS - 10))) },
      );
    }
    for (let i = 0; i < changes.length; i += 200) {
      await tx(SNAPSHOTS).insert(changes.slice(i, i + 200));
    }
  });
  return true;
}

/**
 * Writes each configured campaign's days from its start (at most 90 days back) to
 * yesterday, its entities completing at a steady pace to today's count; false until
 * every one has today's.
 */
async function backfillCampaigns(
  db: Knex,
  today: string,
  campaigns: Array<{ id: string; startsOn: string }>,
): Promise<boolean> {
  let ready = true;
  for (const { id, startsOn } of campaigns) {
    const row = await db(CAMPAIGN_DAYS)
      .where({ campaign_id: id, day: today })
      .first();
    if (!row) {
      ready = false;
      continue;
    }
    if (
      await db(CAMPAIGN_DAYS)
        .where({ campaign_id: id })
        .where('day', '<', today)
        .first()
    ) {
      continue;
    }
    const data = JSON.parse(row.data);
    const start =
      startsOn > daysBefore(today, DAYS) ? startsOn : daysBefore(today, DAYS);
    const span = Math.round(
      (Date.parse(today) - Date.parse(start)) / 86_400_000,
    );
    const out = [];
    for (let age = span; age >= 1; age--) {
      // A fifth of today's completions were done on the first day; the rest came steadily.
      const share = 0.2 + (0.8 * (span - age)) / span;
      const scale = (n: number) => Math.round(n * share);
      const owners: Record<string, number[]> = {};
      let done = 0;
      let exempt = 0;
      for (const [owner, [d, e, t]] of Object.entries<number[]>(data.owners)) {
        owners[owner] = [scale(d), scale(e), t + d - scale(d) + e - scale(e)];
        done += owners[owner][0];
        exempt += owners[owner][1];
      }
      out.push({
        campaign_id: id,
        day: daysBefore(today, age),
        data: JSON.stringify({
          ...data,
          computedAt: `${daysBefore(today, age)}T18:00:00.000Z`,
          done,
          exempt,
          todo: data.entities - done - exempt,
          regressed: 0,
          owners,
        }),
      });
    }
    if (out.length) await db(CAMPAIGN_DAYS).insert(out);
  }
  return ready;
}

export default createBackendModule({
  pluginId: 'paved-road',
  moduleId: 'example-history',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.rootLifecycle,
      },
      async init({ database, config, logger, lifecycle }) {
        const campaigns = (
          config.getOptionalConfigArray('pavedRoad.campaigns') ?? []
        ).map(c => ({
          id: c.getString('id'),
          startsOn: c.getString('startsOn'),
        }));
        untilDone(
          'Example history',
          async () => {
            const db = await database.getClient();
            const today = dayOf(Date.now());
            const scorecards = await backfillScorecards(db, today);
            const ready = await backfillCampaigns(db, today, campaigns);
            return scorecards && ready;
          },
          { logger, lifecycle },
        );
      },
    });
  },
});
