/**
 * The notifications Paved Road has sent, one row per notification key: a sender claims
 * the key before it sends, so no notification goes out twice, across restarts and
 * replicas.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('paved_road_notifications_sent', table => {
    table.comment(
      'Notifications sent, by key; a key is claimed before its send',
    );
    table
      .string('key', 512)
      .primary()
      .notNullable()
      .comment(
        'What was sent to whom, e.g. reminder:<campaign>:<days>:<owner>',
      );
    table.string('kind', 32).notNullable();
    table.text('recipients').notNullable().comment('JSON list of entity refs');
    table.timestamp('sent_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('paved_road_notifications_sent');
};
