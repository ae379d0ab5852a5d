/**
 * Template upgrade runs: one row per run of `paved-road:template:upgrade` over a set of
 * services (POST /upgrade-runs), and one row per service in it. A result carries its
 * run's template, target version and time, so the latest request per template, entity
 * and target version is read from one table.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('paved_road_upgrade_runs', table => {
    table.comment('Template upgrade runs recorded by POST /upgrade-runs');
    table.string('id', 36).primary().notNullable();
    table.string('template_ref').notNullable();
    table.string('to_version', 255).notNullable();
    table.text('scope').comment('JSON: { owner?, system? }, or null');
    table
      .string('created_by')
      .notNullable()
      .comment("The recording principal: a user's entity ref or a service");
    table.timestamp('created_at', { useTz: true }).notNullable();
    // The outcome counts of every result, for listings of callers who read everything.
    table.integer('count_opened').notNullable().defaultTo(0);
    table.integer('count_current').notNullable().defaultTo(0);
    table.integer('count_conflicted').notNullable().defaultTo(0);
    table.integer('count_failed').notNullable().defaultTo(0);
    table.index(['created_at'], 'paved_road_upgrade_runs_created_idx');
    table.index(
      ['template_ref', 'created_at'],
      'paved_road_upgrade_runs_template_idx',
    );
  });

  await knex.schema.createTable('paved_road_upgrade_results', table => {
    table.comment('One row per service of a template upgrade run');
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('paved_road_upgrade_runs')
      .onDelete('CASCADE');
    table.string('entity_ref').notNullable();
    table.string('template_ref').notNullable();
    table.string('to_version', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('from_version', 255).notNullable();
    table
      .string('outcome', 16)
      .notNullable()
      .comment('opened, current, conflicted or failed');
    table.text('url');
    table.string('branch', 255);
    table.integer('conflicts');
    table.text('reason');
    table.primary(['run_id', 'entity_ref']);
    table.index(
      ['template_ref', 'entity_ref', 'to_version', 'created_at'],
      'paved_road_upgrade_results_latest_idx',
    );
    table.index(['entity_ref'], 'paved_road_upgrade_results_entity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('paved_road_upgrade_results');
  await knex.schema.dropTable('paved_road_upgrade_runs');
};
