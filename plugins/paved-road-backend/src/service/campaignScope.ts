import {
  Campaign,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import semver from 'semver';
import { EXEMPTIONS } from '../database/ExemptionStore';
import { ENTITIES, isPostgres, RESULTS } from '../database/tables';
import { CatalogIndex } from './CatalogIndex';

/** The template version an entity was last evaluated on, from its provenance facts. */
export function templateVersionSql(db: Knex, alias = 'e') {
  return isPostgres(db)
    ? `(${alias}.facts::json -> 'provenance' ->> 'templateVersion')`
    : `json_extract(${alias}.facts, '$.provenance.templateVersion')`;
}

/**
 * The check ids a goal asks to pass: those named, or for a level every check of that
 * level and the levels below it. Undefined for a template-version goal.
 *
 * @internal
 */
export function goalChecks(
  goal: Campaign['goal'],
  scorecards: ScorecardDefinition[],
): { scorecard: ScorecardDefinition; checks: string[] } | undefined {
  if (goal.type === 'template-version') return undefined;
  const scorecard = scorecards.find(s => s.id === goal.scorecard);
  if (!scorecard) {
    throw new Error(`scorecard '${goal.scorecard}' is not loaded`);
  }
  if (goal.type === 'checks') return { scorecard, checks: goal.checks };
  const index = scorecard.levels.findIndex(l => l.id === goal.level);
  if (index < 0) {
    throw new Error(
      `scorecard '${goal.scorecard}' has no level '${goal.level}'`,
    );
  }
  const levels = new Set(scorecard.levels.slice(0, index + 1).map(l => l.id));
  return {
    scorecard,
    checks: scorecard.checks.filter(c => levels.has(c.level)).map(c => c.id),
  };
}

/**
 * The state column: `exempt` for an entity with an approved exemption from the
 * campaign, `state` (SQL, with its bindings) otherwise.
 */
function exemptOr(
  db: Knex,
  campaignId: string,
  state: string,
  bindings: string[] = [],
): Knex.Raw {
  return db.raw(
    `CASE WHEN EXISTS (SELECT 1 FROM ${EXEMPTIONS} x
       WHERE x.entity_ref = e.entity_ref AND x.campaign_id = ? AND x.status = 'approved')
     THEN 'exempt' ELSE (${state}) END AS state`,
    [campaignId, ...bindings],
  );
}

/**
 * The query (wrapped, so awaiting the answer does not run it) selecting `entity_ref`, `owner` and `state` (`done`, `exempt` or `todo`) of
 * every entity in a campaign's scope, computed in SQL from the stored results (with
 * `facts` too when `withFacts`, for a scope filter over facts, applied by the caller):
 *
 * - the scope's owner (with its subgroups), system, kind, type and lifecycle narrow the
 *   stored entities;
 * - a level or checks goal covers the entities the scorecard applies to (those with a
 *   result for it): done when every check it asks passes, exempt when each passes or is
 *   exempt, to do otherwise (so an entity that regresses is to do again);
 * - a template-version goal covers the golden-path entities of that template: done
 *   when the version they are on satisfies the range;
 * - an entity with an approved exemption from the campaign is exempt.
 *
 * @internal
 */
export async function campaignStateQuery(
  db: Knex,
  campaign: Campaign,
  options: {
    scorecards: ScorecardDefinition[];
    index: Pick<CatalogIndex, 'descendantsOf'>;
    withFacts?: boolean;
    /** One page of the scope: the entities after `after`, by entity ref. */
    page?: { after: string; limit: number };
  },
): Promise<{ query: Knex.QueryBuilder }> {
  const { scope, goal } = campaign;
  const pg = isPostgres(db);
  const query = db(`${ENTITIES} as e`).select('e.entity_ref', 'e.owner');
  if (options.withFacts) query.select('e.facts', 'e.source_errors');
  if (scope.owner) {
    query.whereIn('e.owner', options.index.descendantsOf(scope.owner));
  }
  if (scope.system) query.where('e.system', scope.system);
  if (scope.kind) {
    query.whereRaw('lower(e.kind) = ?', [
      scope.kind.toLocaleLowerCase('en-US'),
    ]);
  }
  if (scope.type) query.where('e.type', scope.type);
  if (scope.lifecycle) query.where('e.lifecycle', scope.lifecycle);
  const { page } = options;
  if (page) {
    query
      .where('e.entity_ref', '>', page.after)
      .orderBy('e.entity_ref')
      .limit(page.limit);
  }

  if (goal.type === 'template-version') {
    const version = templateVersionSql(db);
    query.where('e.golden_path', true).where('e.template_ref', goal.template);
    const inUse: Array<{ version: unknown }> = await db(`${ENTITIES} as e`)
      .distinct(db.raw(`${version} AS version`))
      .where('e.golden_path', true)
      .where('e.template_ref', goal.template);
    const satisfying = inUse
      .map(r => r.version)
      .filter((v): v is string => typeof v === 'string')
      .filter(v => {
        const parsed = semver.valid(v.trim().replace(/^v/, ''));
        return parsed !== null && semver.satisfies(parsed, goal.range);
      });
    const done = satisfying.length
      ? `CASE WHEN ${version} IN (${satisfying
          .map(() => '?')
          .join(', ')}) THEN 'done' ELSE 'todo' END`
      : `'todo'`;
    return { query: query.select(exemptOr(db, campaign.id, done, satisfying)) };
  }

  const { checks } = goalChecks(goal, options.scorecards)!;
  // Each in-scope entity's result on the scorecard, by its key; PostgreSQL parses its
  // statuses once per row (a lateral subquery that OFFSET 0 keeps from being inlined),
  // SQLite caches the parse within a statement.
  const statuses = pg ? 'j.s' : 'r.check_statuses';
  const status = (id: string) =>
    pg
      ? db.raw(`(${statuses} ->> ?)`, [id])
      : db.raw(`json_extract(${statuses}, ?)`, [`$."${id}"`]);
  const all = (values: string[]) =>
    checks.length
      ? checks
          .map(id =>
            db.raw(
              `COALESCE(? IN (${values.map(() => '?').join(', ')}), false)`,
              [status(id), ...values],
            ),
          )
          .map(part => part.toQuery())
          .join(' AND ')
      : 'true';
  const state = `CASE WHEN ${all(['pass'])} THEN 'done' WHEN ${all([
    'pass',
    'exempt',
  ])} THEN 'exempt' ELSE 'todo' END`;
  query
    .join(`${RESULTS} as r`, join =>
      join
        .on('r.entity_ref', 'e.entity_ref')
        .andOn('r.scorecard_id', db.raw('?', [goal.scorecard])),
    )
    .select(exemptOr(db, campaign.id, state));
  if (pg) {
    query.joinRaw(
      'CROSS JOIN LATERAL (SELECT r.check_statuses::jsonb AS s OFFSET 0) j',
    );
  }
  return { query };
}
