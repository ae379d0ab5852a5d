/**
 * The scaffolder task that ran each upgrade result, so a request committed to a local
 * branch (whose `file://` URL a browser cannot open) still has a page to link to: the
 * scaffolder's task page. Null for results recorded before, or without a task.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('paved_road_upgrade_results', table => {
    table
      .string('task_id', 64)
      .nullable()
      .comment('The scaffolder task that ran the upgrade, when known');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('paved_road_upgrade_results', table => {
    table.dropColumn('task_id');
  });
};
