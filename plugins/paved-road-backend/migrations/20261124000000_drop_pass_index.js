/**
 * A pass keeps the refs it read from the catalog in memory to find removed entities,
 * rather than querying `pass_id`: the index on it only slowed every write.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('paved_road_entities', table => {
    table.dropIndex(['pass_id'], 'paved_road_entities_pass_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('paved_road_entities', table => {
    table.index(['pass_id'], 'paved_road_entities_pass_idx');
  });
};
