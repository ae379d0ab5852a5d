/**
 * Each result's check statuses as a small JSON object (check id to status), beside the
 * full check results, so the roll-ups count them in SQL (`GROUP BY`) instead of
 * reading and parsing every result's checks. Existing rows are filled from their checks.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('paved_road_results', table => {
    table
      .text('check_statuses')
      .comment('JSON: check id to status, for the roll-ups');
  });
  const fromChecks =
    knex.client.config.client === 'pg'
      ? `(SELECT jsonb_object_agg(c->>'checkId', c->>'status')
           FROM jsonb_array_elements(checks::jsonb) AS c)::text`
      : `(SELECT json_group_object(json_extract(c.value, '$.checkId'),
                                   json_extract(c.value, '$.status'))
           FROM json_each(checks) AS c)`;
  await knex.raw(
    `UPDATE paved_road_results SET check_statuses = COALESCE(${fromChecks}, '{}')`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('paved_road_results', table => {
    table.dropColumn('check_statuses');
  });
};
