import { ApiRouter } from '@backstage/backend-openapi-utils';
import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { pavedRoadFactsWritePermission } from '@paved-road/backstage-plugin-common';
import {
  DatabaseUpgradeStore,
  Visible,
} from '../database/DatabaseUpgradeStore';
import { spec } from '../schema/openapi';
import { callerOf } from './caller';
import { createRefinements } from './refinements';
import {
  currentVersions,
  mayHaveStatus,
  summarise,
  withStatus,
} from './upgradeStatus';
import { refine } from './validation';
import { entityReadAccess, readableEntityRefs } from './visibility';

/** Options of {@link addUpgradeRoutes}. @internal */
export interface UpgradeRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  upgrades: DatabaseUpgradeStore;
  refinements: ReturnType<typeof createRefinements>;
}

/**
 * Adds the template upgrade routes to the plugin's router: recording upgrade runs
 * (`POST /upgrade-runs`, as the bulk upgrade posts them), reading runs, and upgrade
 * requests with their status and per-template summary. Reads show only what concerns
 * entities the caller may read.
 *
 * @internal
 */
export function addUpgradeRoutes(
  router: ApiRouter<typeof spec>,
  options: UpgradeRoutesOptions,
) {
  const { httpAuth, permissions, catalog, upgrades, refinements } = options;

  const userOrService = (req: Parameters<HttpAuthService['credentials']>[0]) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  const visibleRefs = (credentials: BackstageCredentials): Promise<Visible> =>
    readableEntityRefs({ permissions, catalog, credentials });

  router.post('/upgrade-runs', async (req, res) => {
    const credentials = await userOrService(req);
    const [decision] = await permissions.authorize(
      [{ permission: pavedRoadFactsWritePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${pavedRoadFactsWritePermission.name} is required to record upgrade runs`,
      );
    }
    const body = refine(
      refinements.RecordUpgradeRun.body,
      req.body,
      'request body',
    );
    res.status(201).json(await upgrades.record(body, callerOf(credentials)));
  });

  router.get('/upgrade-runs', async (req, res) => {
    const credentials = await userOrService(req);
    const query = refine(
      refinements.ListUpgradeRuns.query,
      req.query,
      'query parameters',
    );
    res.json({
      items: await upgrades.listRuns({
        templateRef: query.templateRef,
        limit: query.limit ?? 50,
        visible: await visibleRefs(credentials),
      }),
    });
  });

  router.get('/upgrade-runs/:id', async (req, res) => {
    const credentials = await userOrService(req);
    const id = req.params.id.toLocaleLowerCase('en-US');
    const run = await upgrades.getRun(id, await visibleRefs(credentials));
    if (!run) {
      throw new NotFoundError(`No upgrade run ${id}`);
    }
    res.json(run);
  });

  router.get('/upgrades', async (req, res) => {
    const credentials = await userOrService(req);
    const query = refine(
      refinements.ListUpgrades.query,
      req.query,
      'query parameters',
    );
    let visible: Visible;
    if (query.entityRef) {
      // One entity's requests: only for callers who may read it, as its facts are.
      const access = await entityReadAccess({ permissions, credentials });
      const readable =
        access === AuthorizeResult.ALLOW ||
        (access === AuthorizeResult.CONDITIONAL &&
          (await catalog.getEntityByRef(query.entityRef, { credentials })));
      if (!readable) {
        throw new NotFoundError(`No entity ${query.entityRef} in the catalog`);
      }
    } else {
      visible = await visibleRefs(credentials);
    }
    const stored = (
      await upgrades.latestRequests({
        templateRef: query.templateRef,
        entityRef: query.entityRef,
        visible,
      })
    ).filter(r => mayHaveStatus(r.outcome, query.status));
    const requests = withStatus(
      stored,
      await currentVersions(catalog, stored, credentials),
    ).filter(r => !query.status || r.status === query.status);
    res.json({
      items: requests.slice(0, query.limit ?? 500),
      totalItems: requests.length,
    });
  });

  router.get('/upgrades/summary', async (req, res) => {
    const credentials = await userOrService(req);
    const stored = await upgrades.latestRequests({
      visible: await visibleRefs(credentials),
      brief: true,
    });
    res.json({
      items: summarise(
        withStatus(stored, await currentVersions(catalog, stored, credentials)),
      ),
    });
  });
}
