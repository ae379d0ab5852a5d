import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseResultsStore } from '../database/DatabaseResultsStore';
import { readScorecardDefinitions } from '../scorecards/definitions';
import { CatalogIndex } from './CatalogIndex';
import { entityFactSource } from './factSources';
import {
  loadScorecards,
  ScorecardEvaluationService,
} from './ScorecardEvaluationService';
import { connectionCutter, CutRule } from './__testUtils__/connectionCutter';

jest.setTimeout(600_000);

/** Entities per catalog page: a pass over the ten entities writes three pages. */
const PAGE = 4;
const NAMES = Array.from({ length: 10 }, (_, i) => `service-${i}`);
const REFS = NAMES.map(name => `component:default/${name}`);
const OLD = 'group:default/old-owner';
const NEW = 'group:default/new-owner';
const RESULT_TABLES = [
  'paved_road_results',
  'paved_road_entities',
  'paved_road_state',
  'paved_road_snapshots',
];
const STAGING = ['paved_road_staged_results', 'paved_road_staged_entities'];

/** The catalog before (every entity owned by OLD) or after (NEW) the change. */
const entitiesOwnedBy = (owner: string): Entity[] =>
  NAMES.map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', etag: `${name}-${owner}` },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  }));

/** A catalog answering in pages of {@link PAGE} entities, whatever page size is asked. */
function pagedCatalog() {
  let current = catalogServiceMock({ entities: entitiesOwnedBy(OLD) });
  const catalog = new Proxy({} as CatalogService, {
    get(_, prop) {
      if (prop === 'streamEntities') {
        return async function* paged(request: any, options: any) {
          const all: Entity[] = [];
          for await (const page of current.streamEntities(
            { ...request, pageSize: 1000 },
            options,
          )) {
            all.push(...page);
          }
          for (let i = 0; i < all.length; i += PAGE) {
            yield all.slice(i, i + PAGE);
          }
        };
      }
      const value = (current as any)[prop];
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
  return {
    catalog,
    ownedBy(owner: string) {
      current = catalogServiceMock({ entities: entitiesOwnedBy(owner) });
    },
  };
}

/** What the readers show: each entity's answer, the results list and the roll-ups. */
async function readersSee(store: DatabaseResultsStore) {
  const answers = await Promise.all(
    REFS.map(async ref => {
      const json = await store.getEntityJson(ref);
      return json ? JSON.parse(json) : undefined;
    }),
  );
  const list = await store.listResults({
    sort: 'entityRef',
    order: 'asc',
    limit: 1000,
    offset: 0,
  });
  const groups = await store.aggregateGroups();
  const history = await store.history({ ref: REFS[0] });
  return {
    /** Entities without an answer or without results. */
    missing: answers.filter(a => !a?.results.length).length,
    /** The owners shown: one when every reader shows the same pass's rows. */
    owners: [
      ...new Set([
        ...answers.map(a => a?.entity.owner),
        ...list.items.map(item => item.owner),
        ...groups.entities.map(g => g.owner),
        ...groups.results.map(g => g.owner),
      ]),
    ].sort(),
    rolledUp: groups.entities.reduce((n, g) => n + g.count, 0),
    stale: [...new Set(answers.map(a => a?.entity.stale))],
    staleReasons: [...new Set(answers.map(a => a?.entity.staleReason))],
    listedStale: [...new Set(list.items.map(item => item.stale))],
    history: history.length > 0,
  };
}

/** Cuts the second page's write of entities, then the `j`th write after it. */
function secondPageThen(j: number): CutRule {
  let pages = 0;
  let first: number | undefined;
  return ({ step, write, sql }) => {
    if (first !== undefined) return write && step === first + j;
    if (
      /^\s*(copy|insert into)\s+\W?paved_road_(staged_)?entities\b/i.test(sql)
    ) {
      pages += 1;
      if (pages === 2) first = step;
    }
    return first === step;
  };
}

describe('EvaluationPass with its database connections cut', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseResultsStore.create({
      database: mockServices.database({ knex }),
    });
    const cutter = connectionCutter(knex);
    const { catalog, ownedBy } = pagedCatalog();
    const scorecards = loadScorecards(
      await readScorecardDefinitions(new ConfigReader({})),
      ['entity'],
    );
    const auth = mockServices.auth();
    const newService = () =>
      new ScorecardEvaluationService({
        catalog,
        auth,
        logger: mockServices.logger.mock(),
        store,
        index: new CatalogIndex({ catalog, auth }),
        factSources: [entityFactSource],
        scorecards,
        historyRetentionDays: 90,
      });
    const staged = async () => {
      let rows = 0;
      for (const table of STAGING) {
        if (await knex.schema.hasTable(table)) {
          rows += Number((await knex(table).count({ n: '*' }))[0].n);
        }
      }
      return rows;
    };

    /**
     * Evaluates the catalog before the change afresh, then runs a full pass over the
     * changed catalog with the connections cut as `rule` says, and checks what readers
     * see after it and after the next scheduled pass.
     */
    async function scenario(
      rule: CutRule,
      expected: { cleanUp: 'runs' | 'cut' | 'either' },
    ) {
      for (const table of [...STAGING, ...RESULT_TABLES]) {
        if (await knex.schema.hasTable(table)) await knex(table).delete();
      }
      ownedBy(OLD);
      const first = await newService().evaluate({ full: true });
      expect(first.error).toBeUndefined();
      const before = await readersSee(store);
      expect(before).toMatchObject({
        missing: 0,
        owners: [OLD],
        stale: [false],
      });

      ownedBy(NEW);
      const service = newService();
      cutter.arm(rule);
      const outcome = await service.evaluate({ full: true }).then(
        summary => ({ error: summary.error }),
        thrown => ({ error: `thrown: ${thrown}` }),
      );
      const { cut } = cutter.disarm();
      const after = await readersSee(store);
      const context = { cut, error: outcome.error };

      // Every reader shows one pass's rows, all of them: the previous pass's or the
      // new one's, never some of each.
      expect({
        ...context,
        missing: after.missing,
        owners: after.owners,
      }).toEqual({
        ...context,
        missing: 0,
        owners: [outcome.error ? expect.any(String) : NEW],
      });
      expect({ ...context, rolledUp: after.rolledUp }).toEqual({
        ...context,
        rolledUp: NAMES.length,
      });
      // Marked stale all together, with the failure's reason, or not at all: when the
      // clean-up ran after a failure, every entity is marked; when it was cut, none is.
      const marked = after.stale.length === 1 && after.stale[0] === true;
      expect({
        ...context,
        stale: after.stale,
        listed: after.listedStale,
      }).toEqual({
        ...context,
        stale: [marked],
        listed: [marked],
      });
      if (marked) {
        expect(after.staleReasons).toEqual([
          expect.stringContaining('Evaluation failed'),
        ]);
      }
      if (!outcome.error || expected.cleanUp === 'cut') {
        expect({ ...context, marked }).toEqual({ ...context, marked: false });
      } else if (expected.cleanUp === 'runs') {
        expect({ ...context, marked }).toEqual({ ...context, marked: true });
      }
      expect(after.history).toBe(true);

      // The next scheduled pass recovers: every entity current, nothing stale, and
      // nothing of the failed pass left behind.
      const next = await service.evaluate();
      expect({ ...context, next: next.error }).toEqual({
        ...context,
        next: undefined,
      });
      expect(await readersSee(store)).toMatchObject({
        missing: 0,
        owners: [NEW],
        stale: [false],
        rolledUp: NAMES.length,
      });
      expect({ ...context, staged: await staged() }).toEqual({
        ...context,
        staged: 0,
      });
    }

    /** How many write statements a full pass over the changed catalog runs. */
    async function stepsOfAPass() {
      for (const table of [...STAGING, ...RESULT_TABLES]) {
        if (await knex.schema.hasTable(table)) await knex(table).delete();
      }
      ownedBy(OLD);
      await newService().evaluate({ full: true });
      ownedBy(NEW);
      cutter.arm(() => false);
      await newService().evaluate({ full: true });
      return cutter.disarm().steps;
    }

    return { knex, cutter, scenario, stepsOfAPass };
  }

  it.each(databases.eachSupportedId())(
    'shows the previous results or the new ones, marked stale together, whichever write of a full pass is cut, on %p',
    async databaseId => {
      const { cutter, scenario, stepsOfAPass } = await setup(databaseId);
      try {
        // A few more than counted: the two pages written at once may interleave
        // differently from run to run.
        const steps = (await stepsOfAPass()) + 2;
        expect(steps).toBeGreaterThan(6);
        for (let k = 1; k <= steps; k++) {
          // One write cut (a page's, the publish's or a later one); the clean-up runs.
          await scenario(s => s.write && s.step === k, { cleanUp: 'runs' });
          // Every statement from that write on cut, the clean-up's too.
          await scenario(s => s.step >= k, { cleanUp: 'cut' });
        }
        // The second page's write cut, then one of the writes that follow (the other
        // page's, or each of the clean-up's).
        for (let j = 1; j <= 8; j++) {
          await scenario(secondPageThen(j), { cleanUp: 'either' });
        }
      } finally {
        await cutter.close();
      }
    },
  );
});
