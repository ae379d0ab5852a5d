/**
 * Exemptions requested through the API, decided by holders of
 * paved-road.exemptions.approve, and their append-only audit log.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('paved_road_exemptions', table => {
    table.comment(
      'Exemptions of one entity from a check, a scorecard or a campaign',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref').notNullable();
    table
      .string('target_type', 16)
      .notNullable()
      .comment('check, scorecard or campaign');
    table.string('scorecard_id');
    table.string('check_id');
    table.string('campaign_id', 63);
    table.text('reason').notNullable();
    table.text('link');
    table.string('expires_on', 10).notNullable().comment('Last day it holds');
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, approved, rejected, revoked or lapsed');
    table.string('requested_by').notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.string('decided_by');
    table.timestamp('decided_at', { useTz: true });
    table.text('decision_note');
    table.index(['entity_ref'], 'paved_road_exemptions_entity_idx');
    table.index(['status', 'expires_on'], 'paved_road_exemptions_status_idx');
  });
  await knex.schema.createTable('paved_road_exemption_events', table => {
    table.comment(
      'Every request, decision and lapse of an exemption; never rewritten',
    );
    table.bigIncrements('id').primary();
    table.string('exemption_id', 36).notNullable();
    table.string('entity_ref').notNullable();
    table
      .string('action', 16)
      .notNullable()
      .comment('requested, approved, rejected, revoked or lapsed');
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('by').notNullable();
    table.text('note');
    table.index(['entity_ref', 'id'], 'paved_road_exemption_events_entity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('paved_road_exemption_events');
  await knex.schema.dropTable('paved_road_exemptions');
};
