/**
 * Template releases: one row per template and version the evaluation saw as the
 * template's latest (its own `backstage.io/template-version`), with when it was released
 * (its `paved-road.io/released-at`), when the catalog first showed it and when most of the template's golden-path entities were first on it
 * (or a later version). Each evaluation pass updates the row of every template's latest
 * version; the rows of older versions keep what they had when they were superseded.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('paved_road_template_releases', table => {
    table.comment(
      'Template versions as released in the catalog, and when most services were on them',
    );
    table.string('template_ref').notNullable();
    table
      .string('version', 255)
      .notNullable()
      .comment('The normalised semantic version (no leading v)');
    table
      .timestamp('first_seen_at', { useTz: true })
      .notNullable()
      .comment(
        'When an evaluation pass first saw the template at this version',
      );
    table
      .timestamp('released_at', { useTz: true })
      .nullable()
      .comment(
        "The template's paved-road.io/released-at annotation for this version, if it has one",
      );
    table
      .timestamp('majority_at', { useTz: true })
      .nullable()
      .comment(
        "When more than half of the template's golden-path entities were first seen on this version or later; null until then",
      );
    // As of the last pass that saw this version as the template's latest.
    table.integer('entities').notNullable().defaultTo(0);
    table.integer('on_version').notNullable().defaultTo(0);
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['template_ref', 'version']);
    table.index(
      ['template_ref', 'first_seen_at'],
      'paved_road_template_releases_released_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('paved_road_template_releases');
};
