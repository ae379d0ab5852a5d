import {
  AggregatesResponse,
  ScopeAggregate,
} from '@paved-road/backstage-plugin-common';
import {
  AggregateGroupKey,
  AggregateGroups,
  EntityGroup,
} from '../database/DatabaseResultsStore';
import { CatalogIndex } from './CatalogIndex';

/** The scorecard whose eligibility defines golden-path adoption. */
export const GOLDEN_PATH_SCORECARD = 'golden-path-adoption';

function emptyScope(scope: ScopeAggregate['scope'], ref: string) {
  return {
    scope,
    ref,
    entities: 0,
    scorecards: {},
    goldenPath: { eligible: 0, adopted: 0, rate: 0 },
    drift: {},
    hoursSaved: 0,
    templates: {},
  } as ScopeAggregate;
}

const bump = (counts: Record<string, number>, key: string, by: number) => {
  counts[key] = (counts[key] ?? 0) + by;
};

/**
 * The hours a group of entities saved: for each entity, what its recorded scaffold
 * event declared if it has one (`paved-road:adoption:record` or `POST
 * /scaffold-events`); otherwise, for an entity with golden-path provenance
 * (`backstage.io/source-template`), its source template's `backstage.io/time-saved`;
 * otherwise 0. Never both.
 *
 * @internal
 */
export function groupHoursSaved(
  group: Pick<
    EntityGroup,
    'goldenPath' | 'templateRef' | 'count' | 'recorded' | 'recordedHours'
  >,
  index: Pick<CatalogIndex, 'template'>,
): number {
  const perTemplate =
    group.goldenPath && group.templateRef
      ? index.template(group.templateRef).timeSavedHours ?? 0
      : 0;
  return group.recordedHours + (group.count - group.recorded) * perTemplate;
}

/**
 * Rolls the stored results up to the organisation, every group (with its whole subtree:
 * an entity owned by a team counts for its department and organisation too), every
 * system and every domain, from the groups the store counted
 * ({@link DatabaseResultsStore.aggregateGroups}). An entity has one owner, system and
 * domain, so each entity counts once per scope. Hours saved follow
 * {@link groupHoursSaved}.
 *
 * @internal
 */
export function computeAggregates(options: {
  groups: AggregateGroups;
  index: CatalogIndex;
  evaluatedAt: string | null;
}): AggregatesResponse {
  const { groups, index } = options;
  const org = emptyScope('org', 'org');
  const scopes = new Map<string, ScopeAggregate>();
  const scope = (kind: ScopeAggregate['scope'], ref: string) => {
    const key = `${kind}|${ref}`;
    let found = scopes.get(key);
    if (!found) {
      found = emptyScope(kind, ref);
      scopes.set(key, found);
    }
    return found;
  };
  const targets = new Map<string, ScopeAggregate[]>();
  const targetsOf = ({ owner, system, domain }: AggregateGroupKey) => {
    const key = JSON.stringify([owner, system, domain]);
    let found = targets.get(key);
    if (!found) {
      found = [org];
      if (owner?.startsWith('group:')) {
        found.push(...index.ancestorsOf(owner).map(ref => scope('group', ref)));
      }
      if (system) found.push(scope('system', system));
      if (domain) found.push(scope('domain', domain));
      targets.set(key, found);
    }
    return found;
  };

  for (const group of groups.entities) {
    const { count, templateRef } = group;
    const hours = groupHoursSaved(group, index);
    const drift = group.drift ?? 'unknown';
    for (const agg of targetsOf(group)) {
      agg.entities += count;
      agg.hoursSaved += hours;
      if (group.goldenPath && templateRef) {
        const template = (agg.templates![templateRef] ??= {
          entities: 0,
          drift: {},
          hoursSaved: 0,
        });
        template.entities += count;
        bump(template.drift, drift, count);
        template.hoursSaved += hours;
      }
    }
  }

  for (const group of groups.results) {
    const { count, scorecardId } = group;
    const statuses = Object.entries(group.statuses);
    for (const agg of targetsOf(group)) {
      const card = (agg.scorecards[scorecardId] ??= {
        entities: 0,
        levels: {},
        checks: {},
      });
      card.entities += count;
      bump(card.levels, group.level ?? 'none', count);
      for (const [checkId, status] of statuses) {
        const counts = (card.checks[checkId] ??= {
          pass: 0,
          fail: 0,
          unknown: 0,
          exempt: 0,
          passRate: 0,
        });
        counts[status] += count;
      }
      if (scorecardId === GOLDEN_PATH_SCORECARD) {
        agg.goldenPath.eligible += count;
        if (group.goldenPath) {
          agg.goldenPath.adopted += count;
          bump(agg.drift, group.drift ?? 'unknown', count);
        }
      }
    }
  }

  const finish = (aggregate: ScopeAggregate) => {
    const { goldenPath } = aggregate;
    goldenPath.rate = goldenPath.eligible
      ? goldenPath.adopted / goldenPath.eligible
      : 0;
    for (const card of Object.values(aggregate.scorecards)) {
      for (const c of Object.values(card.checks)) {
        const total = c.pass + c.fail + c.unknown + c.exempt;
        c.passRate = total ? (c.pass + c.exempt) / total : 0;
      }
    }
    return aggregate;
  };
  const all = [...scopes.values()]
    .map(finish)
    .sort((a, b) => a.ref.localeCompare(b.ref));
  return {
    org: finish(org),
    groups: all.filter(a => a.scope === 'group'),
    systems: all.filter(a => a.scope === 'system'),
    domains: all.filter(a => a.scope === 'domain'),
    evaluatedAt: options.evaluatedAt,
  };
}
