import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Campaign,
  Exemption,
  pavedRoadFactsWritePermission,
} from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';
import express from 'express';
import { CampaignStore } from '../database/CampaignStore';
import { DatabaseScaffoldEventStore } from '../database/DatabaseScaffoldEventStore';
import { CampaignProgressStore } from '../database/CampaignProgressStore';
import { DatabaseUpgradeStore } from '../database/DatabaseUpgradeStore';
import { ExemptionStore } from '../database/ExemptionStore';
import { TemplateReleaseStore } from '../database/TemplateReleaseStore';
import { createOpenApiRouter } from '../schema/openapi';
import { addCampaignProgressRoutes } from './campaignProgressRoutes';
import { addCampaignRoutes } from './campaignRoutes';
import { campaignSource } from './campaignSource';
import { addExemptionRoutes } from './exemptionRoutes';
import { collectFacts } from './factSources';
import { openApiErrorHandler } from './openApiErrors';
import { createRefinements } from './refinements';
import { addScorecardRoutes, ScorecardRoutesOptions } from './scorecardRoutes';
import { requestGuards, sendError } from './requestGuards';
import { addTemplateReleaseRoutes } from './releaseRoutes';
import { addUpgradeRoutes } from './upgradeRoutes';
import { entityRefFromPath, refine } from './validation';
import { readableEntityRefs } from './visibility';

/** The body parser's bound for every route but `POST /facts` and `POST /upgrade-runs`. */
const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * The body parser's bound for `POST /upgrade-runs`: up to 5000 results, each with its
 * pull request URL and branch, some with a failure's reason.
 *
 * @internal
 */
export const UPGRADE_RUN_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * The JSON body parser: `POST /facts` may carry `maxFactsBytes` of facts (measured as
 * compact JSON), plus room for the envelope and for the whitespace and escapes of the
 * JSON as sent (as much again, at least 32 KiB), so a body whose facts are too large is
 * answered with the route's own error naming `facts`, not the parser's 413.
 * `POST /upgrade-runs` may carry {@link UPGRADE_RUN_BODY_LIMIT}; every other route keeps
 * 64 KiB.
 *
 * @internal
 */
export function jsonBodyParser(maxFactsBytes: number): express.RequestHandler {
  const parsers = {
    facts: express.json({
      limit: maxFactsBytes + Math.max(maxFactsBytes, 32 * 1024),
    }),
    upgradeRuns: express.json({ limit: UPGRADE_RUN_BODY_LIMIT }),
    other: express.json({ limit: DEFAULT_BODY_LIMIT }),
  };
  const routeOf = (path: string) => {
    if (path === '/facts') return 'facts';
    return path === '/upgrade-runs' ? 'upgradeRuns' : 'other';
  };
  const limits = {
    facts: `${maxFactsBytes} bytes of facts (pavedRoad.facts.maxBytes)`,
    upgradeRuns: `${UPGRADE_RUN_BODY_LIMIT} bytes`,
    other: `${DEFAULT_BODY_LIMIT} bytes`,
  };
  return (req, res, next) =>
    parsers[routeOf(req.path)](req, res, error => {
      // The parser's own answers (413 too large, 400 not JSON) are sent as they are:
      // an error raised before the OpenAPI validator would become a 400 there.
      if (error) {
        const status = Number(error.status ?? error.statusCode);
        const bodyError =
          status === 413
            ? Object.assign(
                new Error(
                  `Request body too large: at most ${
                    limits[routeOf(req.path)]
                  }`,
                ),
                { name: 'PayloadTooLargeError' },
              )
            : new InputError(
                `Invalid request body: not JSON (${(error as Error).message})`,
              );
        sendError(req, res, bodyError, status === 413 ? 413 : 400);
        return;
      }
      next();
    });
}

/** Options of {@link createRouter}. @internal */
export interface RouterOptions
  extends Omit<ScorecardRoutesOptions, 'httpAuth' | 'permissions' | 'catalog'> {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: DatabaseScaffoldEventStore;
  upgrades: DatabaseUpgradeStore;
  releases: TemplateReleaseStore;
  campaigns: CampaignStore;
  /** The campaigns declared under `pavedRoad.campaigns` now (read-only). */
  configuredCampaigns: () => Campaign[];
  /** Campaigns' progress, as the evaluation passes computed it. */
  progress: CampaignProgressStore;
  exemptions: ExemptionStore;
  userInfo: UserInfoService;
  /** `pavedRoad.exemptions.maxDays`. */
  maxExemptionDays: number;
  logger?: LoggerService;
  /** Tells approvers of exemption requests and requesters of decisions. */
  notifier?: { exemptionChanged(exemption: Exemption): Promise<void> };
  factSources: PavedRoadFactSource[];
  /** Evaluates a scaffolded entity as soon as the catalog has it (ScaffoldedEntityWatcher). */
  scaffoldedEntities?: { watch(entityRef: string): void };
}

/**
 * The plugin's HTTP API, mounted at `/api/paved-road`. Every request is validated against
 * `src/schema/openapi.yaml` (the generated `createOpenApiRouter`), which also types the
 * handlers; `refinements` check what the spec cannot express.
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, store, factSources } = options;
  const refinements = createRefinements(options);
  const router = await createOpenApiRouter({
    middleware: [jsonBodyParser(options.maxPushedFactsBytes), requestGuards()],
    validatorOptions: {
      // Report every offending field and parameter, not just the first (bodies are
      // bounded by the parser above).
      validateRequests: {
        allErrors: true,
        coerceTypes: false,
        allowUnknownQueryParameters: false,
      },
      // Authentication is the httpAuth service's (and the httpRouter's auth policies').
      validateSecurity: false,
    },
  });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.post('/scaffold-events', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: pavedRoadFactsWritePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${pavedRoadFactsWritePermission.name} is required to record scaffold events`,
      );
    }
    const body = refine(
      refinements.RecordScaffoldEvent.body,
      req.body,
      'request body',
    );
    res.status(201).json(await store.add(body));
    options.scaffoldedEntities?.watch(body.entityRef);
  });

  // Scaffold events name entities: a caller sees those of the entities they may read.
  router.get('/scaffold-events', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = refine(
      refinements.ListScaffoldEvents.query,
      req.query,
      'query parameters',
    );
    const visible = await readableEntityRefs({
      permissions,
      catalog,
      credentials,
    });
    res.json({ items: await store.list({ ...query, visible }) });
  });

  router.get('/templates/adoption', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const visible = await readableEntityRefs({
      permissions,
      catalog,
      credentials,
    });
    res.json({ items: await store.adoptionByTemplate(visible) });
  });

  router.get('/fact-sources', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({
      items: factSources.map(({ id, description }) => ({ id, description })),
    });
  });

  router.get('/facts/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entityRef = entityRefFromPath(req.params);
    // Read with the caller's credentials, so facts are shown only to those who may read the entity.
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    res.json(await collectFacts(factSources, entity));
  });

  addUpgradeRoutes(router, { ...options, refinements });
  addTemplateReleaseRoutes(router, { ...options, refinements });
  addScorecardRoutes(router, { ...options, refinements });
  addCampaignRoutes(router, { ...options, refinements });
  const campaignList = campaignSource(
    options.configuredCampaigns,
    options.campaigns,
  );
  addCampaignProgressRoutes(router, {
    ...options,
    refinements,
    campaignSource: campaignList,
  });
  addExemptionRoutes(router, {
    ...options,
    campaignSource: campaignList,
    maxDays: options.maxExemptionDays,
  });

  // Bad requests the spec's validator refused, answered like the refinements' own.
  router.use(openApiErrorHandler(refinements));

  return router;
}
