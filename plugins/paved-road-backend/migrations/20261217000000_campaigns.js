/**
 * Campaigns created through the API, and the append-only log of every edit to them
 * (who, when, what changed). A deleted campaign's row goes; its edits stay. Campaigns
 * declared in configuration are not stored.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('paved_road_campaigns', table => {
    table.comment('Campaigns created through the API');
    table.string('id', 63).primary().notNullable();
    table
      .text('definition')
      .notNullable()
      .comment(
        'The campaign as created or last replaced (CampaignInput), as JSON',
      );
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('created_by').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('updated_by').notNullable();
  });
  await knex.schema.createTable('paved_road_campaign_edits', table => {
    table.comment(
      'Every edit to a campaign, appended in the transaction of the edit; kept after a delete',
    );
    table.bigIncrements('id').primary();
    table.string('campaign_id', 63).notNullable();
    table
      .string('action', 16)
      .notNullable()
      .comment('created, updated or deleted');
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('by').notNullable();
    table
      .text('changes')
      .notNullable()
      .comment('Per changed field, its value before and after, as JSON');
    table.index(
      ['campaign_id', 'id'],
      'paved_road_campaign_edits_campaign_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('paved_road_campaign_edits');
  await knex.schema.dropTable('paved_road_campaigns');
};
