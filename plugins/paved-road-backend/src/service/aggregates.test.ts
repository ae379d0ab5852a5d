import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AggregatesResponse,
  CheckStatus,
  ScopeAggregate,
} from '@paved-road/backstage-plugin-common';
import {
  DatabaseResultsStore,
  EntityEvaluation,
} from '../database/DatabaseResultsStore';
import { DatabaseScaffoldEventStore } from '../database/DatabaseScaffoldEventStore';
import { computeAggregates, GOLDEN_PATH_SCORECARD } from './aggregates';
import { CatalogIndex } from './CatalogIndex';

jest.setTimeout(60_000);

const group = (name: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
});

const template = (name: string, timeSaved?: string): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name,
    annotations: timeSaved ? { 'backstage.io/time-saved': timeSaved } : {},
  },
  spec: { type: 'service', steps: [] },
});

const CATALOG = [
  group('org'),
  group('dept-a', 'org'),
  group('dept-b', 'org'),
  group('team-1', 'dept-a'),
  group('team-2', 'dept-a'),
  group('team-3', 'dept-b'),
  template('api-service', 'PT40H'),
  template('worker', 'PT7H30M'),
  template('cron-job'),
];

const OWNERS = [
  'group:default/team-1',
  'group:default/team-2',
  'group:default/team-3',
  'group:default/dept-a',
  'group:default/gone',
  'user:default/ada',
  null,
];
const SYSTEMS = [null, 'system:default/orders', 'system:default/payments'];
const TEMPLATES = [
  'template:default/api-service',
  'template:default/worker',
  'template:default/cron-job',
  'template:default/unknown',
];
const STATUSES: CheckStatus[] = ['pass', 'fail', 'unknown', 'exempt'];
const SCORECARDS = [
  { id: GOLDEN_PATH_SCORECARD, checks: ['scaffolded', 'version-current'] },
  { id: 'production-readiness', checks: ['owner', 'probes', 'limits'] },
  { id: 'documentation-first', checks: ['techdocs'] },
];

/** A deterministic PRNG, so a failure is repeatable. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function syntheticEvaluations(count: number): EntityEvaluation[] {
  const rnd = random(7);
  const pick = <T>(items: readonly T[]) =>
    items[Math.floor(rnd() * items.length)];
  return Array.from({ length: count }, (_, i) => {
    const entityRef = `component:default/c-${String(i).padStart(4, '0')}`;
    const goldenPath = rnd() < 0.6;
    const system = pick(SYSTEMS);
    const results = SCORECARDS.filter(() => rnd() < 0.8).map(card => ({
      scorecardId: card.id,
      entityRef,
      level: pick(['bronze', 'silver', 'gold', null]),
      nextLevel: null,
      missingForNext: [],
      checks: card.checks.map(checkId => ({
        checkId,
        status: pick(STATUSES),
        ...(rnd() < 0.2 ? { reason: `reason ${i}` } : {}),
      })),
    }));
    return {
      entity: {
        entityRef,
        kind: pick(['Component', 'API']),
        type: pick(['service', 'library', null]),
        lifecycle: pick(['production', 'experimental']),
        owner: pick(OWNERS),
        system,
        domain: system && rnd() < 0.7 ? 'domain:default/commerce' : null,
        goldenPath,
        templateRef: goldenPath ? pick(TEMPLATES) : null,
        drift: goldenPath ? pick(['current', 'minor', 'major', null]) : null,
      },
      etag: `etag-${i}`,
      facts: {},
      sourceErrors: {},
      results,
      levelIndex: () => 0,
      definitionsHash: 'hash',
    };
  });
}

/** The roll-up computed entity by entity: what the grouped SQL must agree with. */
function referenceAggregates(
  evaluations: EntityEvaluation[],
  recordedHours: Map<string, number>,
  index: CatalogIndex,
): Omit<AggregatesResponse, 'evaluatedAt'> {
  const scopes = new Map<string, ScopeAggregate>();
  const scope = (kind: ScopeAggregate['scope'], ref: string) => {
    const key = `${kind}|${ref}`;
    if (!scopes.has(key)) {
      scopes.set(key, {
        scope: kind,
        ref,
        entities: 0,
        scorecards: {},
        goldenPath: { eligible: 0, adopted: 0, rate: 0 },
        drift: {},
        hoursSaved: 0,
        templates: {},
      });
    }
    return scopes.get(key)!;
  };
  for (const { entity, results } of evaluations) {
    if (!results.length) continue;
    const recorded = recordedHours.get(entity.entityRef);
    const hours =
      recorded ??
      (entity.goldenPath && entity.templateRef
        ? index.template(entity.templateRef).timeSavedHours ?? 0
        : 0);
    const targets = [scope('org', 'org')];
    if (entity.owner?.startsWith('group:')) {
      for (const ref of index.ancestorsOf(entity.owner)) {
        targets.push(scope('group', ref));
      }
    }
    if (entity.system) targets.push(scope('system', entity.system));
    if (entity.domain) targets.push(scope('domain', entity.domain));
    const drift = entity.drift ?? 'unknown';
    for (const agg of targets) {
      agg.entities += 1;
      agg.hoursSaved += hours;
      if (entity.goldenPath && entity.templateRef) {
        const t = (agg.templates![entity.templateRef] ??= {
          entities: 0,
          drift: {},
          hoursSaved: 0,
        });
        t.entities += 1;
        t.drift[drift] = (t.drift[drift] ?? 0) + 1;
        t.hoursSaved += hours;
      }
      for (const result of results) {
        const card = (agg.scorecards[result.scorecardId] ??= {
          entities: 0,
          levels: {},
          checks: {},
        });
        card.entities += 1;
        const level = result.level ?? 'none';
        card.levels[level] = (card.levels[level] ?? 0) + 1;
        for (const check of result.checks) {
          const c = (card.checks[check.checkId] ??= {
            pass: 0,
            fail: 0,
            unknown: 0,
            exempt: 0,
            passRate: 0,
          });
          c[check.status] += 1;
          c.passRate =
            (c.pass + c.exempt) / (c.pass + c.fail + c.unknown + c.exempt);
        }
        if (result.scorecardId === GOLDEN_PATH_SCORECARD) {
          agg.goldenPath.eligible += 1;
          if (entity.goldenPath) {
            agg.goldenPath.adopted += 1;
            agg.drift[drift] = (agg.drift[drift] ?? 0) + 1;
          }
          agg.goldenPath.rate =
            agg.goldenPath.adopted / agg.goldenPath.eligible;
        }
      }
    }
  }
  const all = [...scopes.values()]
    .filter(a => a.scope !== 'org')
    .sort((a, b) => a.ref.localeCompare(b.ref));
  return {
    org: scope('org', 'org'),
    groups: all.filter(a => a.scope === 'group'),
    systems: all.filter(a => a.scope === 'system'),
    domains: all.filter(a => a.scope === 'domain'),
  };
}

describe('computeAggregates over the grouped results', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const database = mockServices.database({ knex });
    const store = await DatabaseResultsStore.create({ database });
    const events = await DatabaseScaffoldEventStore.create({ database });
    const index = new CatalogIndex({
      catalog: catalogServiceMock({ entities: CATALOG }),
      auth: mockServices.auth(),
    });
    await index.refresh();
    return { store, events, index };
  }

  it.each(databases.eachSupportedId())(
    'agrees with the roll-up computed entity by entity, filtered or not, on %p',
    async databaseId => {
      const { store, events, index } = await setUp(databaseId);
      const evaluations = syntheticEvaluations(400);
      for (let i = 0; i < evaluations.length; i += 100) {
        await store.saveEvaluations(evaluations.slice(i, i + 100), 'pass');
      }
      // Some entities scaffolded once, some twice (the latest counts), some with 0 h.
      const recorded = new Map<string, number>();
      for (const [i, e] of evaluations.entries()) {
        if (i % 7 !== 0) continue;
        const entityRef = e.entity.entityRef;
        const hoursSaved = i % 3 === 0 ? 0 : 10 + (i % 5);
        await events.add({
          templateRef: 'template:default/api-service',
          entityRef,
          hoursSaved: hoursSaved + 1,
          createdAt: '2026-01-01T00:00:00.000Z',
        });
        if (i % 2 === 0) {
          await events.add({
            templateRef: 'template:default/api-service',
            entityRef,
            hoursSaved,
            createdAt: '2026-02-01T00:00:00.000Z',
          });
          recorded.set(entityRef, hoursSaved);
        } else {
          recorded.set(entityRef, hoursSaved + 1);
        }
      }

      const check = async (
        keep: (e: EntityEvaluation) => boolean,
        filter?: { kind?: string; type?: string; lifecycle?: string },
        visible?: Set<string>,
      ) => {
        const { evaluatedAt, ...actual } = computeAggregates({
          groups: await store.aggregateGroups(filter, visible),
          index,
          evaluatedAt: null,
        });
        expect(evaluatedAt).toBeNull();
        const expected = referenceAggregates(
          evaluations.filter(keep),
          recorded,
          index,
        );
        expect(actual).toEqual(expected);
        return actual;
      };

      const all = await check(() => true);
      // The data exercises every part of the roll-up.
      expect(all.org.entities).toBeGreaterThan(300);
      expect(all.org.hoursSaved).toBeGreaterThan(0);
      expect(all.groups.map(g => g.ref)).toEqual(
        expect.arrayContaining([
          'group:default/org',
          'group:default/dept-b',
          'group:default/gone',
        ]),
      );
      expect(all.systems).toHaveLength(2);
      expect(all.domains).toHaveLength(1);

      await check(e => e.entity.kind === 'API', { kind: 'api' });
      await check(
        e =>
          e.entity.type === 'service' && e.entity.lifecycle === 'experimental',
        { type: 'service', lifecycle: 'experimental' },
      );
      const visible = new Set(
        evaluations.filter((_, i) => i % 3 !== 1).map(e => e.entity.entityRef),
      );
      visible.add('component:default/not-stored');
      await check(e => visible.has(e.entity.entityRef), {}, visible);
      await check(
        e => visible.has(e.entity.entityRef) && e.entity.kind === 'Component',
        { kind: 'component' },
        visible,
      );
    },
  );
});
