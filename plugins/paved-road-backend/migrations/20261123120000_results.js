/**
 * Scorecard results: one row per evaluated entity, one per entity and scorecard, facts
 * pushed by CI, evaluation state, and daily snapshots.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('paved_road_entities', table => {
    table.comment(
      'Catalog entities with the attributes their results roll up by',
    );
    table.string('entity_ref').primary().notNullable();
    table.string('kind').notNullable();
    table.string('type');
    table.string('lifecycle');
    table.string('owner');
    table.string('system');
    table.string('domain');
    table.boolean('golden_path').notNullable().defaultTo(false);
    table.string('template_ref');
    table.string('drift');
    table
      .string('etag')
      .comment('Catalog etag evaluated; null forces re-evaluation');
    table.text('facts').comment('JSON facts of the last evaluation');
    table.text('source_errors').comment('JSON: failed fact sources');
    table.string('definitions_hash');
    table.string('pass_id').comment('Last pass that saw the entity');
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.boolean('stale').notNullable().defaultTo(false);
    table.text('stale_reason');
    table.index(['owner'], 'paved_road_entities_owner_idx');
    table.index(['system'], 'paved_road_entities_system_idx');
    table.index(['pass_id'], 'paved_road_entities_pass_idx');
  });

  await knex.schema.createTable('paved_road_results', table => {
    table.comment('Level and check statuses of one entity on one scorecard');
    table.string('entity_ref').notNullable();
    table.string('scorecard_id').notNullable();
    table.string('level');
    table
      .integer('level_index')
      .notNullable()
      .comment('Position of level, -1 below the lowest');
    table.string('next_level');
    table.text('missing_for_next').notNullable();
    table.text('checks').notNullable().comment('JSON CheckResult[]');
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'scorecard_id']);
    table.index(['scorecard_id', 'level'], 'paved_road_results_level_idx');
  });

  await knex.schema.createTable('paved_road_pushed_facts', table => {
    table.comment('Facts pushed by CI pipelines, exposed as pushed.<source>');
    table.string('entity_ref').notNullable();
    table.string('source').notNullable();
    table.text('facts').notNullable();
    table.timestamp('pushed_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'source']);
  });

  await knex.schema.createTable('paved_road_state', table => {
    table.comment('Evaluation state shared by all replicas');
    table.string('key').primary().notNullable();
    table.text('value').notNullable();
  });

  await knex.schema.createTable('paved_road_snapshots', table => {
    table.comment('Daily snapshots of entity levels and aggregates');
    table.string('day', 10).notNullable();
    table
      .string('scope', 16)
      .notNullable()
      .comment('entity, org, group, system or domain');
    table.string('ref').notNullable();
    table.string('scorecard_id').notNullable();
    table.text('data').notNullable();
    table.primary(['day', 'scope', 'ref', 'scorecard_id']);
    table.index(['ref', 'day'], 'paved_road_snapshots_ref_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('paved_road_snapshots');
  await knex.schema.dropTable('paved_road_state');
  await knex.schema.dropTable('paved_road_pushed_facts');
  await knex.schema.dropTable('paved_road_results');
  await knex.schema.dropTable('paved_road_entities');
};
