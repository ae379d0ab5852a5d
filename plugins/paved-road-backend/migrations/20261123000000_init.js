/**
 * Scaffold events: one row per golden-path template run that produced an entity.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('paved_road_scaffold_events', table => {
    table.comment(
      'Golden-path template runs recorded by paved-road:adoption:record',
    );
    table.string('id', 36).primary().notNullable();
    table.string('template_ref').notNullable();
    table.string('template_version');
    table.string('entity_ref').notNullable();
    table.float('hours_saved').notNullable().defaultTo(0);
    table.string('initiated_by');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['template_ref'], 'paved_road_scaffold_events_template_idx');
    table.index(['entity_ref'], 'paved_road_scaffold_events_entity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('paved_road_scaffold_events');
};
