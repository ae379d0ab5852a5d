import { Knex } from 'knex';
import {
  chunks,
  CHUNK,
  isPostgres,
  parseJson,
  PG_WRITE_CHUNK,
  RESULTS,
  SNAPSHOTS,
} from './tables';

/**
 * The snapshot rows of an aggregate scope's totals (golden-path adoption, drift, hours
 * saved) use this in place of a scorecard id; scorecard ids cannot take this form.
 *
 * @internal
 */
export const SNAPSHOT_TOTALS = '_totals';

/** The scope (and ref and scorecard id) of the row that marks a day's snapshot. */
const SNAPSHOT_DAY = 'day';
/** An entity snapshot row's data when the entity's results for a scorecard are gone. */
const SNAPSHOT_REMOVED = '{"removed":true}';

/** A row of an aggregate scope given to {@link SnapshotStore.writeSnapshots}. @internal */
export interface SnapshotInput {
  scope: string;
  ref: string;
  scorecardId: string;
  data: unknown;
}

/** What {@link SnapshotStore.history} reads. @internal */
export interface HistoryQuery {
  ref: string;
  scorecard?: string;
  from?: string;
  to?: string;
}

/** A row {@link SnapshotStore.history} answers. @internal */
export interface HistoryRow {
  day: string;
  scope: string;
  scorecardId: string;
  data: any;
}

/**
 * SQL for each entity and scorecard's latest snapshot row before a day (`dayParam`, a
 * placeholder): `(ref, scorecard_id, data)`.
 */
function latestEntitySnapshots(dayParam: string): string {
  return `(SELECT ref, scorecard_id, data FROM (
      SELECT ref, scorecard_id, data, row_number() OVER (
        PARTITION BY ref, scorecard_id ORDER BY day DESC) AS rn
      FROM ${SNAPSHOTS} WHERE scope = 'entity' AND day < ${dayParam}) ranked
    WHERE rn = 1)`;
}

function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Writes, reads and prunes the daily snapshots that the history endpoints answer from:
 * each entity's level changes, and the aggregate scopes' rows of each day.
 *
 * @internal
 */
export class SnapshotStore {
  private readonly isPostgres: boolean;
  /** Rows per INSERT statement. */
  private readonly writeChunk: number;

  constructor(private readonly db: Knex) {
    this.isPostgres = isPostgres(db);
    this.writeChunk = this.isPostgres ? PG_WRITE_CHUNK : CHUNK;
  }

  async hasSnapshot(day: string): Promise<boolean> {
    return Boolean(
      await this.db(SNAPSHOTS).where({ day, scope: SNAPSHOT_DAY }).first(),
    );
  }

  /**
   * Writes one day's snapshot: the day itself (a marker row, so an entity's unchanged
   * levels can be read on it), the entity levels that changed since the entity's last
   * snapshot row, copied from the stored results in SQL (`scope` `entity`, data
   * `{"level": ...}`; an entity and scorecard seen for the first time counts as
   * changed), a removal row for each entity and scorecard whose results are gone,
   * and the given rows of the aggregate scopes. So an entity's history costs a row per
   * change, not a row per day. Repeating a day replaces it.
   */
  async writeSnapshots(day: string, rows: SnapshotInput[]): Promise<void> {
    const level = this.levelJson('r.level');
    const latest = latestEntitySnapshots('?');
    await this.db.transaction(async tx => {
      await tx(SNAPSHOTS).where({ day }).delete();
      await tx(SNAPSHOTS).insert({
        day,
        scope: SNAPSHOT_DAY,
        ref: SNAPSHOT_DAY,
        scorecard_id: SNAPSHOT_DAY,
        data: '{}',
      });
      await tx.raw(
        `INSERT INTO ${SNAPSHOTS} (day, scope, ref, scorecard_id, data)
         SELECT ?, 'entity', r.entity_ref, r.scorecard_id, ${level}
         FROM ${RESULTS} r
         LEFT JOIN ${latest} l
           ON l.ref = r.entity_ref AND l.scorecard_id = r.scorecard_id
         WHERE l.data IS NULL OR l.data <> ${level}`,
        [day, day],
      );
      await tx.raw(
        `INSERT INTO ${SNAPSHOTS} (day, scope, ref, scorecard_id, data)
         SELECT ?, 'entity', l.ref, l.scorecard_id, ?
         FROM ${latest} l
         WHERE l.data <> ? AND NOT EXISTS (
           SELECT 1 FROM ${RESULTS} r
           WHERE r.entity_ref = l.ref AND r.scorecard_id = l.scorecard_id)`,
        [day, SNAPSHOT_REMOVED, day, SNAPSHOT_REMOVED],
      );
      for (const part of chunks(rows, this.writeChunk)) {
        await tx(SNAPSHOTS).insert(
          part.map(r => ({
            day,
            scope: r.scope,
            ref: r.ref,
            scorecard_id: r.scorecardId,
            data: JSON.stringify(r.data),
          })),
        );
      }
    });
  }

  /** SQL for `{"level": <column>}` as text, as the entity snapshot rows hold it. */
  private levelJson(column: string): string {
    return this.isPostgres
      ? `json_build_object('level', ${column})::text`
      : `json_object('level', ${column})`;
  }

  /**
   * Snapshots of one ref, oldest first, one row per snapshot day and scorecard.
   * `scorecard` narrows the per-scorecard rows; an aggregate scope's totals rows
   * ({@link SNAPSHOT_TOTALS}) are always included. An entity's rows are its changes;
   * each day a snapshot was taken reads the entity's latest change on or before it.
   */
  async history(query: HistoryQuery): Promise<HistoryRow[]> {
    const builder = this.db(SNAPSHOTS)
      .where({ ref: query.ref })
      .orderBy([
        { column: 'day', order: 'asc' },
        { column: 'scorecard_id', order: 'asc' },
      ]);
    if (query.scorecard) {
      builder.whereIn('scorecard_id', [query.scorecard, SNAPSHOT_TOTALS]);
    }
    if (query.to) builder.where('day', '<=', query.to);
    // An entity's change rows before `from` still decide its level on `from`.
    const from = query.from;
    if (from) {
      builder.where(b =>
        b.where({ scope: 'entity' }).orWhere('day', '>=', from),
      );
    }
    const rows: Array<{
      day: string;
      scope: string;
      scorecard_id: string;
      data: string;
    }> = await builder;
    const out: HistoryRow[] = [];
    const changes = new Map<string, Array<{ day: string; data: string }>>();
    for (const row of rows) {
      if (row.scope === 'entity') {
        const list = changes.get(row.scorecard_id) ?? [];
        list.push({ day: row.day, data: row.data });
        changes.set(row.scorecard_id, list);
      } else {
        out.push({
          day: row.day,
          scope: row.scope,
          scorecardId: row.scorecard_id,
          data: parseJson(row.data, {}),
        });
      }
    }
    if (changes.size > 0) {
      const daysQuery = this.db(SNAPSHOTS)
        .select('day')
        .where({ scope: SNAPSHOT_DAY })
        .orderBy('day');
      if (query.from) daysQuery.where('day', '>=', query.from);
      if (query.to) daysQuery.where('day', '<=', query.to);
      const days: string[] = (await daysQuery).map(r => r.day);
      for (const [scorecardId, list] of changes) {
        let i = 0;
        for (const day of days) {
          while (i < list.length && list[i].day <= day) i++;
          const current = list[i - 1];
          if (!current || current.data === SNAPSHOT_REMOVED) continue;
          out.push({
            day,
            scope: 'entity',
            scorecardId,
            data: parseJson(current.data, {}),
          });
        }
      }
      out.sort((a, b) =>
        a.day === b.day
          ? compare(a.scorecardId, b.scorecardId)
          : compare(a.day, b.day),
      );
    }
    return out;
  }

  /**
   * Deletes snapshots older than `day` (exclusive): every aggregate row and day
   * marker before it, and every entity change row before it but the latest one of
   * each entity and scorecard, which still gives the level on `day` and after (unless
   * it records a removal, which is deleted too).
   */
  async pruneSnapshots(beforeDay: string): Promise<number> {
    return this.db.transaction(async tx => {
      let deleted = Number(
        await tx(SNAPSHOTS)
          .whereNot({ scope: 'entity' })
          .where('day', '<', beforeDay)
          .delete(),
      );
      deleted += Number(
        await tx(SNAPSHOTS)
          .where({ scope: 'entity' })
          .where('day', '<', beforeDay)
          .whereExists(newer =>
            newer
              .select(tx.raw('1'))
              .from({ n: SNAPSHOTS })
              .whereRaw(
                `n.scope = 'entity' AND n.ref = ${SNAPSHOTS}.ref
                 AND n.scorecard_id = ${SNAPSHOTS}.scorecard_id
                 AND n.day > ${SNAPSHOTS}.day AND n.day <= ?`,
                [beforeDay],
              ),
          )
          .delete(),
      );
      deleted += Number(
        await tx(SNAPSHOTS)
          .where({ scope: 'entity', data: SNAPSHOT_REMOVED })
          .where('day', '<', beforeDay)
          .delete(),
      );
      return deleted;
    });
  }
}
