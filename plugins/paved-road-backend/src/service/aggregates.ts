import {
  AggregatesResponse,
  ScopeAggregate,
} from '@paved-road/backstage-plugin-common';
import { AggregateSourceRow } from '../database/DatabaseResultsStore';
import { CatalogIndex } from './CatalogIndex';

/** The scorecard whose eligibility defines golden-path adoption. */
export const GOLDEN_PATH_SCORECARD = 'golden-path-adoption';

function emptyScope(scope: ScopeAggregate['scope'], ref: string) {
  return {
    aggregate: {
      scope,
      ref,
      entities: 0,
      scorecards: {},
      goldenPath: { eligible: 0, adopted: 0, rate: 0 },
      drift: {},
      hoursSaved: 0,
      templates: {},
    } as ScopeAggregate,
    entities: new Set<string>(),
  };
}

type Scope = ReturnType<typeof emptyScope>;

/**
 * The hours an entity saved: what its recorded scaffold event declared if it has one
 * (`scaffolded`, from `paved-road:adoption:record` or `POST /scaffold-events`);
 * otherwise, for an entity with golden-path provenance (`backstage.io/source-template`),
 * its source template's `backstage.io/time-saved`; otherwise 0. Never both.
 *
 * @internal
 */
export function entityHoursSaved(
  entity: Pick<AggregateSourceRow, 'entityRef' | 'goldenPath' | 'templateRef'>,
  scaffolded: ReadonlyMap<string, number>,
  index: Pick<CatalogIndex, 'template'>,
): number {
  const recorded = scaffolded.get(entity.entityRef);
  if (recorded !== undefined) return recorded;
  if (entity.goldenPath && entity.templateRef) {
    return index.template(entity.templateRef).timeSavedHours ?? 0;
  }
  return 0;
}

/**
 * Rolls stored results up to the organisation, every group (with its whole subtree:
 * an entity owned by a team counts for its department and organisation too), every
 * system and every domain. `visible` restricts the roll-up to the entities a caller may
 * read. Hours saved follow {@link entityHoursSaved}, once per entity and scope.
 *
 * @internal
 */
export async function computeAggregates(options: {
  rows: AsyncIterable<AggregateSourceRow[]>;
  /** Hours declared by each entity's recorded scaffold event. */
  hoursSaved: ReadonlyMap<string, number>;
  index: CatalogIndex;
  visible?: ReadonlySet<string>;
  evaluatedAt: string | null;
}): Promise<AggregatesResponse> {
  const { rows, hoursSaved, index, visible } = options;
  const org = emptyScope('org', 'org');
  const scopes = new Map<string, Scope>();
  const scope = (kind: ScopeAggregate['scope'], ref: string) => {
    const key = `${kind}|${ref}`;
    let found = scopes.get(key);
    if (!found) {
      found = emptyScope(kind, ref);
      scopes.set(key, found);
    }
    return found;
  };
  const ancestors = new Map<string, string[]>();

  function add(row: AggregateSourceRow) {
    const hours = entityHoursSaved(row, hoursSaved, index);
    const targets: Scope[] = [org];
    if (row.owner?.startsWith('group:')) {
      let chain = ancestors.get(row.owner);
      if (!chain) {
        chain = index.ancestorsOf(row.owner);
        ancestors.set(row.owner, chain);
      }
      targets.push(...chain.map(ref => scope('group', ref)));
    }
    if (row.system) targets.push(scope('system', row.system));
    if (row.domain) targets.push(scope('domain', row.domain));

    for (const target of targets) {
      const agg = target.aggregate;
      if (!target.entities.has(row.entityRef)) {
        target.entities.add(row.entityRef);
        agg.entities += 1;
        agg.hoursSaved += hours;
        if (row.goldenPath && row.templateRef) {
          const template = (agg.templates![row.templateRef] ??= {
            entities: 0,
            drift: {},
            hoursSaved: 0,
          });
          const drift = row.drift ?? 'unknown';
          template.entities += 1;
          template.drift[drift] = (template.drift[drift] ?? 0) + 1;
          template.hoursSaved += hours;
        }
      }
      const card = (agg.scorecards[row.scorecardId] ??= {
        entities: 0,
        levels: {},
        checks: {},
      });
      card.entities += 1;
      const level = row.level ?? 'none';
      card.levels[level] = (card.levels[level] ?? 0) + 1;
      for (const check of row.checks) {
        const counts = (card.checks[check.checkId] ??= {
          pass: 0,
          fail: 0,
          unknown: 0,
          exempt: 0,
          passRate: 0,
        });
        counts[check.status] += 1;
      }
      if (row.scorecardId === GOLDEN_PATH_SCORECARD) {
        agg.goldenPath.eligible += 1;
        if (row.goldenPath) {
          agg.goldenPath.adopted += 1;
          const drift = row.drift ?? 'unknown';
          agg.drift[drift] = (agg.drift[drift] ?? 0) + 1;
        }
      }
    }
  }

  for await (const page of rows) {
    for (const row of page) {
      if (visible && !visible.has(row.entityRef)) continue;
      add(row);
    }
  }

  const finish = ({ aggregate }: Scope) => {
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
