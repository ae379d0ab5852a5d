/**
 * Campaign progress, computed at the end of every evaluation pass from the stored
 * results: each in-scope entity's completion state per campaign (with when it joined
 * the scope, when it completed, and how often it regressed), and one snapshot per
 * campaign and day, for the burn-up chart.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('paved_road_campaign_entities', table => {
    table.comment(
      'Each entity in the scope of a campaign with its completion state, as of the last pass',
    );
    table.string('campaign_id', 63).notNullable();
    table.string('entity_ref').notNullable();
    table.string('owner');
    table
      .string('state', 8)
      .notNullable()
      .comment('done, exempt (done thanks to an exemption) or todo');
    table
      .timestamp('joined_at', { useTz: true })
      .notNullable()
      .comment('When a pass first saw the entity in scope');
    table
      .timestamp('completed_at', { useTz: true })
      .comment('When it last became done or exempt; null while todo');
    table
      .timestamp('first_completed_at', { useTz: true })
      .comment('When it first became done or exempt; kept after a regression');
    table
      .integer('regressions')
      .notNullable()
      .defaultTo(0)
      .comment('How often it went from done or exempt back to todo');
    table.primary(['campaign_id', 'entity_ref']);
    table.index(
      ['campaign_id', 'owner'],
      'paved_road_campaign_entities_owner_idx',
    );
    table.index(['entity_ref'], 'paved_road_campaign_entities_ref_idx');
  });
  await knex.schema.createTable('paved_road_campaign_days', table => {
    table.comment(
      'One snapshot of the progress of a campaign per day, from the last pass of the day',
    );
    table.string('campaign_id', 63).notNullable();
    table.string('day', 10).notNullable();
    table
      .text('data')
      .notNullable()
      .comment('JSON: entities, done, exempt, todo, and per owner the same');
    table.primary(['campaign_id', 'day']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('paved_road_campaign_days');
  await knex.schema.dropTable('paved_road_campaign_entities');
};
