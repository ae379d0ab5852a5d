import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  CampaignEntityState,
  CheckStatus,
} from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import { chunks, isPostgres, parseJson, RESULTS, STATE } from './tables';

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

/** Each in-scope entity's completion state per campaign. @internal */
export const CAMPAIGN_ENTITIES = 'paved_road_campaign_entities';
/** One progress snapshot per campaign and day. @internal */
export const CAMPAIGN_DAYS = 'paved_road_campaign_days';

/** The temporary table a reconciliation computes a campaign's states into. */
const CURRENT = 'paved_road_campaign_current';
/** Entity refs per statement that names them. */
const REF_CHUNK = 500;
/** Rows per INSERT: 8 columns, well below SQLite's 999 bound parameters. */
const INSERT_CHUNK = 100;

type EntityRow = {
  campaign_id: string;
  entity_ref: string;
  owner: string | null;
  state: CampaignEntityState;
  joined_at: Date | string | number;
  completed_at: Date | string | number | null;
  first_completed_at: Date | string | number | null;
  regressions: number | string;
};

const toIso = (value: Date | string | number) => new Date(value).toISOString();
const toIsoOrNull = (value: Date | string | number | null) =>
  value === null ? null : toIso(value);

/**
 * An entity's state as computed by a pass: the rows a campaign's scope query selects
 * (`entity_ref`, `owner`, `state`).
 *
 * @internal
 */
export interface CurrentState {
  entityRef: string;
  owner: string | null;
  state: CampaignEntityState;
}

/** A stored entity of a campaign. @internal */
export interface StoredCampaignEntity extends CurrentState {
  campaignId: string;
  joinedAt: string;
  completedAt: string | null;
  firstCompletedAt: string | null;
  regressions: number;
}

/** What one reconciliation changed. @internal */
export interface ReconcileCounts {
  joined: number;
  changed: number;
  left: number;
}

/** A campaign's counts per owner and state, as stored for one day. @internal */
export interface CampaignDayData {
  computedAt: string;
  entities: number;
  done: number;
  exempt: number;
  todo: number;
  /** Entities done once that are to do again. */
  regressed: number;
  medianDaysToComplete: number | null;
  /** Per owner ref (`''` for none): done, exempt, todo. */
  owners: Record<string, [number, number, number]>;
}

const toEntity = (row: EntityRow): StoredCampaignEntity => ({
  campaignId: row.campaign_id,
  entityRef: row.entity_ref,
  owner: row.owner,
  state: row.state,
  joinedAt: toIso(row.joined_at),
  completedAt: toIsoOrNull(row.completed_at),
  firstCompletedAt: toIsoOrNull(row.first_completed_at),
  regressions: Number(row.regressions),
});

const complete = (state: CampaignEntityState) => state !== 'todo';

/**
 * Stores campaign progress: each entity of a campaign's scope with its completion
 * state (`paved_road_campaign_entities`), reconciled with the state a pass computed, so
 * an entity keeps when it joined the scope, when it first and last completed, and how
 * often it regressed; and one snapshot of the counts per campaign and day
 * (`paved_road_campaign_days`), the day's last pass, for the burn-up chart.
 *
 * @internal
 */
export class CampaignProgressStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<CampaignProgressStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new CampaignProgressStore(client);
  }

  private constructor(readonly db: Knex) {}

  /**
   * Brings the campaign's stored entities in line with `current`, a query selecting
   * `entity_ref`, `owner` and `state` of every entity in scope now, in SQL: entities new
   * to the scope are inserted from the query itself, those gone are deleted, and only
   * those whose state or owner changed are read, to record their transition. One
   * transaction: readers see the previous state or the new one.
   */
  async reconcile(
    campaignId: string,
    current: Knex.QueryBuilder,
    now: Date,
  ): Promise<ReconcileCounts> {
    return this.db.transaction(async tx => {
      const pg = isPostgres(tx);
      // The scope's states computed once, into a table of this transaction's
      // connection, which the three statements below read.
      await tx.raw(`DROP TABLE IF EXISTS ${CURRENT}`);
      await tx.raw(
        `CREATE TEMPORARY TABLE ${CURRENT}${
          pg ? ' ON COMMIT DROP' : ''
        } AS SELECT entity_ref, owner, state FROM ? cur`,
        [current],
      );
      await tx.raw(
        `CREATE UNIQUE INDEX ${CURRENT}_ref ON ${CURRENT} (entity_ref)`,
      );
      // Statistics, so the joins below are planned for its real size.
      if (pg) await tx.raw(`ANALYZE ${CURRENT}`);
      const completedAt = `CASE WHEN cur.state <> 'todo' THEN ${
        pg ? '?::timestamptz' : '?'
      } END`;
      const joined = await tx.raw(
        `INSERT INTO ${CAMPAIGN_ENTITIES}
           (campaign_id, entity_ref, owner, state, joined_at, completed_at, first_completed_at, regressions)
         SELECT ?, cur.entity_ref, cur.owner, cur.state, ?, ${completedAt}, ${completedAt}, 0
         FROM ${CURRENT} cur
         WHERE NOT EXISTS (SELECT 1 FROM ${CAMPAIGN_ENTITIES} s
           WHERE s.campaign_id = ? AND s.entity_ref = cur.entity_ref)`,
        [campaignId, now, now, now, campaignId],
      );
      const changed: Array<
        EntityRow & { cur_owner: string | null; cur_state: CampaignEntityState }
      > = await tx
        .select('s.*', 'cur.owner as cur_owner', 'cur.state as cur_state')
        .from(`${CURRENT} as cur`)
        .join(`${CAMPAIGN_ENTITIES} as s`, join =>
          join
            .on('s.entity_ref', 'cur.entity_ref')
            .andOn('s.campaign_id', tx.raw('?', [campaignId])),
        )
        .where(q =>
          q
            .whereRaw('s.state <> cur.state')
            .orWhereRaw('s.owner <> cur.owner')
            .orWhereRaw('(s.owner IS NULL) <> (cur.owner IS NULL)'),
        );
      await this.applyChanges(
        tx,
        changed.map(row => ({
          stored: toEntity(row),
          current: {
            entityRef: row.entity_ref,
            owner: row.cur_owner,
            state: row.cur_state,
          },
        })),
        now,
      );
      const left = await tx(CAMPAIGN_ENTITIES)
        .where('campaign_id', campaignId)
        .whereNotIn('entity_ref', tx.select('entity_ref').from(CURRENT))
        .delete();
      if (!pg) await tx.raw(`DROP TABLE ${CURRENT}`);
      return {
        joined: affected(joined),
        changed: changed.length,
        left: Number(left),
      };
    });
  }

  /**
   * {@link CampaignProgressStore.reconcile} for states computed outside SQL (a scope
   * with a filter over the entities' facts): compares them with the stored ones here.
   */
  async reconcileRows(
    campaignId: string,
    rows: CurrentState[],
    now: Date,
  ): Promise<ReconcileCounts> {
    return this.db.transaction(async tx => {
      const stored = new Map<string, StoredCampaignEntity>();
      for (const row of (await tx(CAMPAIGN_ENTITIES).where(
        'campaign_id',
        campaignId,
      )) as EntityRow[]) {
        stored.set(row.entity_ref, toEntity(row));
      }
      const joined: CurrentState[] = [];
      const changed: Array<{
        stored: StoredCampaignEntity;
        current: CurrentState;
      }> = [];
      for (const row of rows) {
        const before = stored.get(row.entityRef);
        stored.delete(row.entityRef);
        if (!before) joined.push(row);
        else if (before.state !== row.state || before.owner !== row.owner) {
          changed.push({ stored: before, current: row });
        }
      }
      for (const part of chunks(joined, INSERT_CHUNK)) {
        await tx(CAMPAIGN_ENTITIES).insert(
          part.map(row => ({
            campaign_id: campaignId,
            entity_ref: row.entityRef,
            owner: row.owner,
            state: row.state,
            joined_at: now,
            completed_at: complete(row.state) ? now : null,
            first_completed_at: complete(row.state) ? now : null,
            regressions: 0,
          })),
        );
      }
      await this.applyChanges(tx, changed, now);
      for (const refs of chunks([...stored.keys()], REF_CHUNK)) {
        await tx(CAMPAIGN_ENTITIES)
          .where('campaign_id', campaignId)
          .whereIn('entity_ref', refs)
          .delete();
      }
      return {
        joined: joined.length,
        changed: changed.length,
        left: stored.size,
      };
    });
  }

  /**
   * Records each changed entity's transition: a new owner, a completion (completed now,
   * first completed now unless it had before), a regression (no longer completed, one
   * more regression), or a change between done and exempt.
   */
  private async applyChanges(
    tx: Knex.Transaction,
    changes: Array<{ stored: StoredCampaignEntity; current: CurrentState }>,
    now: Date,
  ) {
    const groups = new Map<
      string,
      { update: Record<string, unknown>; refs: string[] }
    >();
    for (const { stored, current } of changes) {
      const update: Record<string, unknown> = { state: current.state };
      if (complete(current.state) && !complete(stored.state)) {
        update.completed_at = now;
        if (!stored.firstCompletedAt) update.first_completed_at = now;
      } else if (!complete(current.state) && complete(stored.state)) {
        update.completed_at = null;
        update.regressions = stored.regressions + 1;
      }
      if (stored.owner !== current.owner) {
        await tx(CAMPAIGN_ENTITIES)
          .where({
            campaign_id: stored.campaignId,
            entity_ref: stored.entityRef,
          })
          .update({ ...update, owner: current.owner });
        continue;
      }
      const key = JSON.stringify([stored.campaignId, update]);
      const group = groups.get(key) ?? { update, refs: [] };
      group.refs.push(stored.entityRef);
      groups.set(key, group);
    }
    for (const [key, { update, refs }] of groups) {
      const [campaignId] = JSON.parse(key) as [string];
      for (const part of chunks(refs, REF_CHUNK)) {
        await tx(CAMPAIGN_ENTITIES)
          .where('campaign_id', campaignId)
          .whereIn('entity_ref', part)
          .update(update);
      }
    }
  }

  /** A value of the evaluation state shared by all replicas. */
  async getState(key: string): Promise<string | undefined> {
    const row = await this.db(STATE).where({ key }).first();
    return row?.value;
  }

  /** Sets a value of the evaluation state shared by all replicas. */
  async setState(key: string, value: string): Promise<void> {
    await this.db(STATE).insert({ key, value }).onConflict('key').merge();
  }

  /** Drops the stored progress of campaigns not among `ids` (deleted ones). */
  async keepOnly(ids: string[]): Promise<void> {
    await this.db(CAMPAIGN_ENTITIES).whereNotIn('campaign_id', ids).delete();
    await this.db(CAMPAIGN_DAYS).whereNotIn('campaign_id', ids).delete();
  }

  /**
   * The campaign's counts now, per owner and state, with the entities that regressed
   * and the median days to complete (from the later of `startsOn` and the day an
   * entity joined to its first completion), counted in SQL.
   */
  async count(
    campaignId: string,
    startsOn: string,
    now: Date,
  ): Promise<CampaignDayData> {
    const rows: Array<{
      owner: string | null;
      state: CampaignEntityState;
      count: number | string;
    }> = await this.db(CAMPAIGN_ENTITIES)
      .select('owner', 'state')
      .count({ count: '*' })
      .where('campaign_id', campaignId)
      .groupBy('owner', 'state');
    const data: CampaignDayData = {
      computedAt: now.toISOString(),
      entities: 0,
      done: 0,
      exempt: 0,
      todo: 0,
      regressed: 0,
      medianDaysToComplete: null,
      owners: {},
    };
    const slot = { done: 0, exempt: 1, todo: 2 } as const;
    for (const row of rows) {
      const count = Number(row.count);
      const owner = row.owner ?? '';
      data.owners[owner] ??= [0, 0, 0];
      data.owners[owner][slot[row.state]] += count;
      data[row.state] += count;
      data.entities += count;
    }
    const [{ regressed }] = await this.db(CAMPAIGN_ENTITIES)
      .count({ regressed: '*' })
      .where({ campaign_id: campaignId, state: 'todo' })
      .where('regressions', '>', 0);
    data.regressed = Number(regressed);
    data.medianDaysToComplete = await this.medianDaysToComplete(
      campaignId,
      new Date(`${startsOn}T00:00:00Z`),
    );
    return data;
  }

  /** The median whole days to first completion, from a histogram counted in SQL. */
  private async medianDaysToComplete(campaignId: string, start: Date) {
    const days = isPostgres(this.db)
      ? `floor(extract(epoch FROM (first_completed_at - GREATEST(joined_at, ?::timestamptz))) / 86400)`
      : `CAST((first_completed_at - MAX(joined_at, ?)) / 86400000 AS INTEGER)`;
    const rows: Array<{
      days: number | string | null;
      count: number | string;
    }> = await this.db
      .select('days')
      .count({ count: '*' })
      .from(
        this.db(CAMPAIGN_ENTITIES)
          .select(this.db.raw(`${days} AS days`, [start]))
          .where('campaign_id', campaignId)
          .whereNotNull('first_completed_at')
          .as('completions'),
      )
      .groupBy('days');
    const histogram = rows
      .map(r => ({
        days: Math.max(0, Number(r.days ?? 0)),
        count: Number(r.count),
      }))
      .sort((a, b) => a.days - b.days);
    const total = histogram.reduce((sum, r) => sum + r.count, 0);
    if (!total) return null;
    let seen = 0;
    for (const { days: d, count } of histogram) {
      seen += count;
      if (seen * 2 >= total) return d;
    }
    return null;
  }

  /** Writes (or rewrites) the campaign's snapshot of `day`. */
  async writeDay(campaignId: string, day: string, data: CampaignDayData) {
    await this.db(CAMPAIGN_DAYS)
      .insert({ campaign_id: campaignId, day, data: JSON.stringify(data) })
      .onConflict(['campaign_id', 'day'])
      .merge(['data']);
  }

  /** The campaign's daily snapshots from `from` on (all when undefined), oldest first. */
  async days(
    campaignId: string,
    from?: string,
  ): Promise<Array<{ day: string; data: CampaignDayData }>> {
    const query = this.db(CAMPAIGN_DAYS)
      .select('day', 'data')
      .where('campaign_id', campaignId)
      .orderBy('day');
    if (from) query.where('day', '>=', from);
    const rows: Array<{ day: string; data: string }> = await query;
    return rows.map(r => ({
      day: r.day,
      data: parseJson<CampaignDayData>(r.data, {} as CampaignDayData),
    }));
  }

  /** Drops snapshots of days before `oldest` (`YYYY-MM-DD`). */
  async prune(oldest: string): Promise<void> {
    await this.db(CAMPAIGN_DAYS).where('day', '<', oldest).delete();
  }

  /**
   * The campaign's entities, narrowed to a state, to owners, or to refs, ordered by
   * owner and ref; a page of them with `limit` and `offset`, with how many there are.
   */
  async entities(
    campaignId: string,
    filter: {
      state?: CampaignEntityState;
      owners?: string[];
      refs?: string[];
      limit?: number;
      offset?: number;
    } = {},
  ): Promise<{ items: StoredCampaignEntity[]; total: number }> {
    const query = this.db(CAMPAIGN_ENTITIES).where('campaign_id', campaignId);
    if (filter.state) query.where('state', filter.state);
    if (filter.owners) query.whereIn('owner', filter.owners);
    if (filter.refs) query.whereIn('entity_ref', filter.refs);
    const [{ total }] = await query.clone().count({ total: '*' });
    const page = query
      .orderBy([{ column: 'owner' }, { column: 'entity_ref' }])
      .offset(filter.offset ?? 0);
    if (filter.limit !== undefined) page.limit(filter.limit);
    return {
      items: ((await page) as EntityRow[]).map(toEntity),
      total: Number(total),
    };
  }

  /** The stored check statuses of these entities on one scorecard, by entity ref. */
  async checkStatuses(
    scorecardId: string,
    refs: string[],
  ): Promise<Map<string, Record<string, CheckStatus>>> {
    const out = new Map<string, Record<string, CheckStatus>>();
    for (const part of chunks(refs, REF_CHUNK)) {
      const rows: Array<{ entity_ref: string; check_statuses: string | null }> =
        await this.db(RESULTS)
          .select('entity_ref', 'check_statuses')
          .where('scorecard_id', scorecardId)
          .whereIn('entity_ref', part);
      for (const row of rows) {
        out.set(row.entity_ref, parseJson(row.check_statuses, {}));
      }
    }
    return out;
  }

  /** The states of these entities in the campaign, by ref (absent: not in scope). */
  async statesOf(
    campaignId: string,
    refs: string[],
  ): Promise<Map<string, CampaignEntityState>> {
    const out = new Map<string, CampaignEntityState>();
    for (const part of chunks(refs, REF_CHUNK)) {
      const rows: Array<{ entity_ref: string; state: CampaignEntityState }> =
        await this.db(CAMPAIGN_ENTITIES)
          .select('entity_ref', 'state')
          .where('campaign_id', campaignId)
          .whereIn('entity_ref', part);
      for (const row of rows) out.set(row.entity_ref, row.state);
    }
    return out;
  }

  /** Every campaign's row of one entity. */
  async ofEntity(entityRef: string): Promise<StoredCampaignEntity[]> {
    return (
      (await this.db(CAMPAIGN_ENTITIES).where(
        'entity_ref',
        entityRef,
      )) as EntityRow[]
    ).map(toEntity);
  }
}

/** Rows an INSERT … SELECT run through `knex.raw` inserted. */
function affected(result: unknown): number {
  const r = result as { rowCount?: number; changes?: number } | undefined;
  return Number(r?.rowCount ?? r?.changes ?? 0);
}
