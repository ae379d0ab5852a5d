import { ApiRouter } from '@backstage/backend-openapi-utils';
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Campaign,
  CampaignEdit,
  CampaignInput,
  pavedRoadCampaignsManagePermission,
} from '@paved-road/backstage-plugin-common';
import { CampaignStore } from '../database/CampaignStore';
import { callerOf } from './caller';
import { campaignSource } from './campaignSource';
import { declaredWhere } from './configuredCampaigns';
import { spec } from '../schema/openapi';
import { createRefinements } from './refinements';
import { refine } from './validation';
import { readableEntityRefs } from './visibility';

/** Options of {@link addCampaignRoutes}. @internal */
export interface CampaignRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  campaigns: CampaignStore;
  /** The campaigns declared under `pavedRoad.campaigns` now (read-only). */
  configuredCampaigns: () => Campaign[];
  refinements: ReturnType<typeof createRefinements>;
}

/** The entity refs a campaign's fields name (all normalised by the schema). */
function namedRefs(campaign: Partial<CampaignInput>): string[] {
  const goal = campaign.goal as { template?: string } | undefined;
  return [
    campaign.owner,
    campaign.scope?.owner,
    campaign.scope?.system,
    goal?.template,
  ].filter((ref): ref is string => typeof ref === 'string');
}

/**
 * Whether a caller who may read `readable` (every entity when undefined) may see
 * campaigns with these values: every entity they name must be readable.
 *
 * @internal
 */
export function campaignVisible(
  readable: ReadonlySet<string> | undefined,
  ...values: Array<Partial<CampaignInput>>
): boolean {
  return (
    !readable ||
    values.every(value => namedRefs(value).every(ref => readable.has(ref)))
  );
}

/** The values an edit log holds, before and after, as partial campaigns. */
function editedValues(edits: CampaignEdit[]): Array<Partial<CampaignInput>> {
  return edits.flatMap(edit =>
    (['before', 'after'] as const).map(
      side =>
        Object.fromEntries(
          Object.entries(edit.changes).map(([field, change]) => [
            field,
            change?.[side],
          ]),
        ) as Partial<CampaignInput>,
    ),
  );
}

/**
 * Adds the campaign routes to the plugin's router: reading campaigns (those created
 * through the API and those declared in configuration) and their edit logs, for any
 * user or service; creating, replacing and deleting the API's campaigns, which needs
 * `paved-road.campaigns.manage` and records the caller as the edit's author. Campaigns
 * from configuration are read-only: changing one is refused naming its config key, and
 * an API campaign may not take its id. A caller who may not read every entity sees
 * only the campaigns (and edit logs) whose owner, scope owner and system, and template
 * are entities they may read.
 *
 * @internal
 */
export function addCampaignRoutes(
  router: ApiRouter<typeof spec>,
  options: CampaignRoutesOptions,
) {
  const { httpAuth, permissions, catalog, campaigns, refinements } = options;

  const userOrService = (req: Parameters<HttpAuthService['credentials']>[0]) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** The caller, once they are known to hold the manage permission. */
  const manager = async (
    req: Parameters<HttpAuthService['credentials']>[0],
    what: string,
  ) => {
    const credentials = await userOrService(req);
    const [decision] = await permissions.authorize(
      [{ permission: pavedRoadCampaignsManagePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${pavedRoadCampaignsManagePermission.name} is required to ${what} campaigns`,
      );
    }
    return callerOf(credentials);
  };

  /** Whether the caller may see campaigns naming these entities; all when undefined. */
  const visibility = async (
    req: Parameters<HttpAuthService['credentials']>[0],
  ) => {
    const credentials = await userOrService(req);
    const readable = await readableEntityRefs({
      permissions,
      catalog,
      credentials,
    });
    return (...values: Array<Partial<CampaignInput>>) =>
      campaignVisible(readable, ...values);
  };

  const source = campaignSource(options.configuredCampaigns, campaigns);
  const configured = source.configured;

  /** Refuses to change a campaign from configuration, saying where it is declared. */
  const refuseConfigured = (id: string, what: string) => {
    const declared = configured(id);
    if (declared) {
      throw new ConflictError(
        `Campaign '${id}' is declared in ${declaredWhere(
          declared,
        )} and cannot be ${what} through the API; change it there`,
      );
    }
  };

  router.get('/campaigns', async (req, res) => {
    const visible = await visibility(req);
    res.json({ items: (await source.all()).filter(c => visible(c)) });
  });

  router.get('/campaigns/:id', async (req, res) => {
    const visible = await visibility(req);
    const { id } = req.params;
    const campaign = await source.get(id);
    if (!campaign || !visible(campaign)) {
      throw new NotFoundError(`No campaign ${id}`);
    }
    res.json(campaign);
  });

  router.post('/campaigns', async (req, res) => {
    const by = await manager(req, 'create');
    const body = refine(
      refinements.CreateCampaign.body,
      req.body,
      'request body',
    ) as CampaignInput;
    const declared = configured(body.id);
    if (declared) {
      throw new ConflictError(
        `id: '${body.id}' is the id of a campaign declared in ${declaredWhere(
          declared,
        )}`,
      );
    }
    res.status(201).json(await campaigns.add(body, by));
  });

  router.put('/campaigns/:id', async (req, res) => {
    const by = await manager(req, 'update');
    const { id } = req.params;
    const body = refine(
      refinements.UpdateCampaign.body,
      req.body,
      'request body',
    ) as CampaignInput;
    if (body.id !== id) {
      throw new InputError(
        `Invalid request body: id: must be the campaign's id in the path ('${id}'), got '${body.id}'`,
      );
    }
    refuseConfigured(id, 'updated');
    res.json(await campaigns.replace(body, by));
  });

  router.delete('/campaigns/:id', async (req, res) => {
    const by = await manager(req, 'delete');
    const { id } = req.params;
    refuseConfigured(id, 'deleted');
    await campaigns.remove(id, by);
    res.status(204).end();
  });

  router.get('/campaigns/:id/edits', async (req, res) => {
    const visible = await visibility(req);
    const { id } = req.params;
    const edits = await campaigns.edits(id);
    const current = await source.get(id);
    if (
      (!edits.length && !current) ||
      !visible(...(current ? [current] : []), ...editedValues(edits))
    ) {
      throw new NotFoundError(`No campaign ${id}`);
    }
    res.json({ items: edits });
  });
}
