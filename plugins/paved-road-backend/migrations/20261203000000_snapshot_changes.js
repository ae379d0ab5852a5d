/** An entity snapshot row's data when its results for a scorecard are gone. */
const REMOVED = '{"removed":true}';

/**
 * Entity snapshots as changes: instead of a row per entity, scorecard and day, a row
 * when an entity's level for a scorecard changes (or it is first seen), a removal row
 * when its results are gone, and one row per day marking that day's snapshot. Reading a
 * day gives each entity its latest change on or before it. Existing daily rows are
 * turned into that form: days are marked, a removal row is added where an entity's row
 * is missing on the next snapshot day, and rows that repeat the entity's previous row
 * are deleted.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw(
    `INSERT INTO paved_road_snapshots (day, scope, ref, scorecard_id, data)
     SELECT DISTINCT day, 'day', 'day', 'day', '{}' FROM paved_road_snapshots`,
  );
  await knex.raw(
    `INSERT INTO paved_road_snapshots (day, scope, ref, scorecard_id, data)
     SELECT t.next_day, 'entity', t.ref, t.scorecard_id, ?
     FROM (
       SELECT s.ref, s.scorecard_id,
         (SELECT min(d.day) FROM paved_road_snapshots d
          WHERE d.scope = 'day' AND d.day > s.day) AS next_day
       FROM paved_road_snapshots s WHERE s.scope = 'entity'
     ) t
     WHERE t.next_day IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM paved_road_snapshots e
       WHERE e.scope = 'entity' AND e.ref = t.ref
         AND e.scorecard_id = t.scorecard_id AND e.day = t.next_day)`,
    [REMOVED],
  );
  await knex.raw(
    `DELETE FROM paved_road_snapshots
     WHERE scope = 'entity' AND data = (
       SELECT p.data FROM paved_road_snapshots p
       WHERE p.scope = 'entity' AND p.ref = paved_road_snapshots.ref
         AND p.scorecard_id = paved_road_snapshots.scorecard_id
         AND p.day < paved_road_snapshots.day
       ORDER BY p.day DESC LIMIT 1)`,
  );
};

/**
 * Back to a row per entity, scorecard and snapshot day.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.raw(
    `INSERT INTO paved_road_snapshots (day, scope, ref, scorecard_id, data)
     SELECT x.day, 'entity', x.ref, x.scorecard_id, x.data
     FROM (
       SELECT d.day, k.ref, k.scorecard_id,
         (SELECT s.data FROM paved_road_snapshots s
          WHERE s.scope = 'entity' AND s.ref = k.ref
            AND s.scorecard_id = k.scorecard_id AND s.day <= d.day
          ORDER BY s.day DESC LIMIT 1) AS data
       FROM (SELECT DISTINCT day FROM paved_road_snapshots
             WHERE scope = 'day') d
       CROSS JOIN (SELECT DISTINCT ref, scorecard_id FROM paved_road_snapshots
                   WHERE scope = 'entity') k
       WHERE NOT EXISTS (
         SELECT 1 FROM paved_road_snapshots e
         WHERE e.scope = 'entity' AND e.ref = k.ref
           AND e.scorecard_id = k.scorecard_id AND e.day = d.day)
     ) x
     WHERE x.data IS NOT NULL AND x.data <> ?`,
    [REMOVED],
  );
  await knex('paved_road_snapshots')
    .where({ scope: 'entity', data: REMOVED })
    .orWhere({ scope: 'day' })
    .delete();
};
