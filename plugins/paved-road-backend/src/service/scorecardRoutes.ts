import { ApiRouter } from '@backstage/backend-openapi-utils';
import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntityResultRow,
  HistoryResponse,
  pavedRoadEvaluatePermission,
  pavedRoadFactsWritePermission,
  pavedRoadScorecardsPreviewPermission,
  ScorecardsResponse,
} from '@paved-road/backstage-plugin-common';
import {
  DatabaseResultsStore,
  ResultsFilter,
  SNAPSHOT_TOTALS,
} from '../database/DatabaseResultsStore';
import { ScorecardRuleOperator } from '../scorecards/operators';
import { computeAggregates } from './aggregates';
import { CachedJsonBody } from './cachedJson';
import { CatalogIndex } from './CatalogIndex';
import { toCsv } from './csv';
import { spec } from '../schema/openapi';
import { previewDefinition, previewScorecard } from './preview';
import { createRefinements } from './refinements';
import { entityReadAccess, readableEntityRefs } from './visibility';
import { ScorecardEvaluationService } from './ScorecardEvaluationService';
import { entityRefFromPath, parseInput, refine } from './validation';

/** The entity endpoint's answer for an entity in the catalog not evaluated yet. */
const NOT_EVALUATED = '{"entity":null,"results":[]}';

/** Options of {@link addScorecardRoutes}. @internal */
export interface ScorecardRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  results: DatabaseResultsStore;
  index: CatalogIndex;
  evaluation: ScorecardEvaluationService;
  operators?: ScorecardRuleOperator[];
  maxPushedFactsBytes: number;
  /** How long one preview may evaluate (`pavedRoad.preview.budget`). */
  previewBudgetMs: number;
}

/** Filters of `GET /results` and `GET /export.csv`, refined. */
type ResultsFilterQuery = Omit<ResultsFilter, 'owners' | 'limit' | 'offset'> & {
  owner?: string;
};

/** Adds the scorecard routes to the plugin's router. @internal */
export function addScorecardRoutes(
  router: ApiRouter<typeof spec>,
  options: ScorecardRoutesOptions & {
    refinements: ReturnType<typeof createRefinements>;
  },
) {
  const { refinements } = options;
  const { httpAuth, permissions, catalog, results, index, evaluation } =
    options;

  const userOrService = (req: Parameters<HttpAuthService['credentials']>[0]) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  const visibleRefs = (credentials: BackstageCredentials) =>
    readableEntityRefs({ permissions, catalog, credentials });

  async function requirePermission(
    credentials: BackstageCredentials,
    permission: typeof pavedRoadEvaluatePermission,
    what: string,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${permission.name} is required to ${what}`,
      );
    }
  }

  async function readableEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ) {
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return stringifyEntityRef(entity);
  }

  const storedAggregatesBody = new CachedJsonBody();

  const definitionsBody = new CachedJsonBody();

  function knownScorecard(id: string | undefined) {
    const { definitions } = evaluation.getScorecards();
    if (id && !definitions.some(d => d.id === id)) {
      throw new InputError(
        `Invalid query parameters: scorecard: unknown scorecard '${id}' (known: ${definitions
          .map(d => d.id)
          .join(', ')})`,
      );
    }
  }

  async function filterOf(
    query: ResultsFilterQuery,
  ): Promise<Omit<ResultsFilter, 'limit' | 'offset'>> {
    knownScorecard(query.scorecard);
    let owners: string[] | undefined;
    if (query.owner) {
      await index.ensureFresh();
      owners = query.owner.startsWith('group:')
        ? index.descendantsOf(query.owner)
        : [query.owner];
    }
    return { ...query, owners };
  }

  router.get(
    '/entities/:kind/:namespace/:name/scorecards',
    async (req, res) => {
      const credentials = await userOrService(req);
      const requested = entityRefFromPath(req.params);
      // The caller's read access and the stored results at once. Callers who may read
      // every entity get the stored answer without a catalog request; under
      // conditional access (or when nothing is stored under the ref as written) the
      // catalog decides, read as the caller.
      const [access, found] = await Promise.all([
        entityReadAccess({ permissions, credentials }),
        results.getEntityJson(requested),
      ]);
      if (access === AuthorizeResult.DENY) {
        throw new NotFoundError(`No entity ${requested} in the catalog`);
      }
      let body = access === AuthorizeResult.ALLOW ? found : undefined;
      if (body === undefined) {
        const entityRef = await readableEntity(requested, credentials);
        body =
          (entityRef === requested
            ? found
            : await results.getEntityJson(entityRef)) ?? NOT_EVALUATED;
      }
      // An `EntityResultsResponse`. The definitions are served by GET /scorecards
      // (cached by the browser); an entity's answer stays small because every entity
      // page asks for it, and is written as it is: a few kilobytes, which compressing
      // would cost the server more than it saves.
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'private, no-cache, no-transform',
      });
      res.end(body);
    },
  );

  router.get('/scorecards', async (req, res) => {
    await userOrService(req);
    const { definitions, hash } = evaluation.getScorecards();
    await definitionsBody.send(req, res, hash, async () => {
      const body: ScorecardsResponse = { scorecards: definitions };
      return JSON.stringify(body);
    });
  });

  router.get('/results', async (req, res) => {
    const credentials = await userOrService(req);
    const query = refine(
      refinements.ListResults.query,
      req.query,
      'query parameters',
    );
    const filter = await filterOf(query);
    const page = await results.listResults({
      ...filter,
      limit: query.limit,
      offset: query.offset,
      visibleRefs: await visibleRefs(credentials),
    });
    res.json({ ...page, limit: query.limit, offset: query.offset });
  });

  router.get('/export.csv', async (req, res) => {
    const credentials = await userOrService(req);
    const query = refine(
      refinements.ExportResults.query,
      req.query,
      'query parameters',
    );
    const page = await results.listResults({
      ...(await filterOf(query)),
      limit: 1_000_000,
      offset: 0,
      visibleRefs: await visibleRefs(credentials),
    });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      'attachment; filename="paved-road-scorecards.csv"',
    );
    res.send(toCsv(page.items as EntityResultRow[]));
  });

  router.get('/aggregates', async (req, res) => {
    const credentials = await userOrService(req);
    const filter = refine(
      refinements.GetAggregates.query,
      req.query,
      'query parameters',
    );
    const filtered = Boolean(filter.kind || filter.type || filter.lifecycle);
    const visible = await visibleRefs(credentials);
    // The stored aggregates cover every entity: served as they are only when the
    // caller may read every entity and asks for no filter.
    const version =
      visible || filtered
        ? undefined
        : await evaluation.storedAggregatesVersion();
    if (version) {
      await storedAggregatesBody.send(req, res, version, async () => {
        const json = await evaluation.storedAggregatesJson();
        if (!json) throw new Error('The stored aggregates are missing');
        return json;
      });
      return;
    }
    await index.ensureFresh();
    res.json(
      computeAggregates({
        groups: await results.aggregateGroups(filter, visible),
        index,
        evaluatedAt: await evaluation.lastPassAt(),
      }),
    );
  });

  router.get('/history', async (req, res) => {
    const credentials = await userOrService(req);
    const query = refine(
      refinements.GetHistory.query,
      req.query,
      'query parameters',
    );
    knownScorecard(query.scorecard);
    const kind = query.ref === 'org' ? 'org' : parseEntityRef(query.ref).kind;
    const scope: HistoryResponse['scope'] =
      (query.scope as HistoryResponse['scope'] | undefined) ??
      (['org', 'group', 'system', 'domain'].includes(kind)
        ? (kind as HistoryResponse['scope'])
        : 'entity');
    if (scope === 'entity') {
      await readableEntity(query.ref, credentials);
    } else if (await visibleRefs(credentials)) {
      throw new NotAllowedError(
        'Not allowed: aggregate history covers entities you may not read',
      );
    }
    const rows = (await results.history(query)).filter(r => r.scope === scope);
    const body: HistoryResponse = {
      ref: query.ref,
      scope,
      items: rows
        .filter(r => r.scorecardId !== SNAPSHOT_TOTALS)
        .map(r => ({
          day: r.day,
          scorecardId: r.scorecardId,
          ...(scope === 'entity'
            ? { level: r.data.level ?? null }
            : { levels: r.data.levels ?? {} }),
        })),
    };
    if (scope !== 'entity') {
      body.totals = rows
        .filter(r => r.scorecardId === SNAPSHOT_TOTALS)
        .map(r => ({
          day: r.day,
          entities: r.data.entities ?? 0,
          goldenPath: r.data.goldenPath ?? { eligible: 0, adopted: 0, rate: 0 },
          drift: r.data.drift ?? {},
          hoursSaved: r.data.hoursSaved ?? 0,
        }));
    }
    res.json(body);
  });

  router.post('/evaluate', async (req, res) => {
    const credentials = await userOrService(req);
    await requirePermission(
      credentials,
      pavedRoadEvaluatePermission,
      're-evaluate scorecards',
    );
    // Without a body the spec's default does not apply.
    const body = {
      ...req.body,
      full: req.body?.full ?? false,
      ...parseInput(refinements.Evaluate.body, req.body ?? {}, 'request body'),
    };
    if (body.entityRef) {
      // Only entities the caller may read can be re-evaluated by them.
      const visible = await catalog.getEntityByRef(body.entityRef, {
        credentials,
      });
      const summary = visible
        ? await evaluation.evaluateEntity(body.entityRef)
        : undefined;
      if (!summary) {
        throw new NotFoundError(`No entity ${body.entityRef} in the catalog`);
      }
      res.json(summary);
      return;
    }
    res.json(await evaluation.evaluate({ full: body.full }));
  });

  router.post('/facts', async (req, res) => {
    const credentials = await userOrService(req);
    await requirePermission(
      credentials,
      pavedRoadFactsWritePermission,
      'push facts',
    );
    const body = parseInput(
      refinements.PushFacts.body,
      req.body,
      'request body',
    );
    const entityRef = await readableEntity(body.entityRef, credentials);
    await results.putPushedFacts(entityRef, body.source, body.facts);
    res.status(202).json({
      entityRef,
      source: body.source,
      path: `pushed.${body.source}`,
    });
  });

  router.post('/scorecards/preview', async (req, res) => {
    const credentials = await userOrService(req);
    await requirePermission(
      credentials,
      pavedRoadScorecardsPreviewPermission,
      'preview scorecards',
    );
    const definition = previewDefinition(
      req.body,
      evaluation.getScorecards().definitions,
      options.operators,
    );
    res.json(
      await previewScorecard({
        definition,
        operators: options.operators,
        results,
        visible: await visibleRefs(credentials),
        budgetMs: options.previewBudgetMs,
      }),
    );
  });
}
