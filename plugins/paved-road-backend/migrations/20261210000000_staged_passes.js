/**
 * Staging tables for evaluation passes: a pass writes its pages here, and publishes
 * them into paved_road_entities and paved_road_results in one transaction when it ends
 * (or discards them when it fails), so readers never see a failed pass's pages. Rows
 * are keyed by the pass. On PostgreSQL the tables are unlogged: staged rows need not
 * survive a crash of the database (the pass fails with it), and are not written twice.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('paved_road_staged_entities', table => {
    table.comment(
      'Entities a running evaluation pass staged, until it publishes',
    );
    table.string('pass_id', 36).notNullable();
    table.string('entity_ref').notNullable();
    table
      .string('mode', 8)
      .notNullable()
      .comment('replace (entity and results), rescore (some results) or stale');
    table.timestamp('staged_at', { useTz: true }).notNullable();
    table.string('kind');
    table.string('type');
    table.string('lifecycle');
    table.string('owner');
    table.string('system');
    table.string('domain');
    table.boolean('golden_path');
    table.string('template_ref');
    table.string('drift');
    table.string('etag');
    table.text('facts');
    table.text('source_errors');
    table.string('definitions_hash');
    table.timestamp('evaluated_at', { useTz: true });
    table.boolean('stale');
    table.text('stale_reason');
    table.primary(['pass_id', 'entity_ref']);
  });

  await knex.schema.createTable('paved_road_staged_results', table => {
    table.comment(
      'Results a running evaluation pass staged, until it publishes',
    );
    table.string('pass_id', 36).notNullable();
    table.string('entity_ref').notNullable();
    table.string('scorecard_id').notNullable();
    table.string('level');
    table.integer('level_index').notNullable();
    table.string('next_level');
    table.text('missing_for_next').notNullable();
    table.text('checks').notNullable();
    table.text('check_statuses');
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.index(
      ['pass_id', 'entity_ref'],
      'paved_road_staged_results_pass_idx',
    );
  });

  if (knex.client.config.client === 'pg') {
    await knex.raw('ALTER TABLE paved_road_staged_entities SET UNLOGGED');
    await knex.raw('ALTER TABLE paved_road_staged_results SET UNLOGGED');
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('paved_road_staged_results');
  await knex.schema.dropTable('paved_road_staged_entities');
};
