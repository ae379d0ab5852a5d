import { ApiRouter } from '@backstage/backend-openapi-utils';
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Campaign,
  CampaignEntity,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { CampaignProgressStore } from '../database/CampaignProgressStore';
import { DatabaseUpgradeStore } from '../database/DatabaseUpgradeStore';
import { spec } from '../schema/openapi';
import { CatalogIndex } from './CatalogIndex';
import { CampaignProgressReader } from './CampaignProgressReader';
import { campaignVisible } from './campaignRoutes';
import { CampaignSource } from './campaignSource';
import { cell } from './csv';
import { createRefinements } from './refinements';
import { entityRefFromPath, refine } from './validation';
import { readableEntityRefs } from './visibility';

/** Options of {@link addCampaignProgressRoutes}. @internal */
export interface CampaignProgressRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  index: CatalogIndex;
  campaignSource: CampaignSource;
  progress: CampaignProgressStore;
  upgrades: DatabaseUpgradeStore;
  evaluation: { getScorecards(): { definitions: ScorecardDefinition[] } };
  refinements: ReturnType<typeof createRefinements>;
  /** The clock; tests set it. */
  now?: () => Date;
}

const CSV_COLUMNS = [
  'entityRef',
  'owner',
  'state',
  'overdue',
  'joinedAt',
  'completedAt',
  'daysToComplete',
  'regressions',
  'todo',
] as const;

/** Campaign entities as CSV (RFC 4180), the checks still to pass joined by `; `. */
function toCsv(items: CampaignEntity[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const item of items) {
    lines.push(
      CSV_COLUMNS.map(column =>
        cell(
          column === 'todo'
            ? item.todo.map(t => t.checkId ?? t.title).join('; ')
            : item[column],
        ),
      ).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Adds the routes that read campaigns' progress as the evaluation passes computed it:
 * `GET /campaigns/{id}/progress`, `GET /campaigns/{id}/entities` and
 * `GET /campaigns/{id}/export.csv`, and an entity's campaigns
 * (`GET /entity-campaigns/{kind}/{namespace}/{name}`). Nothing is evaluated per request. A caller who may
 * not read every entity sees only the campaigns naming entities they may read, and
 * their counts and entities among the entities they may read.
 *
 * @internal
 */
export function addCampaignProgressRoutes(
  router: ApiRouter<typeof spec>,
  options: CampaignProgressRoutesOptions,
) {
  const { httpAuth, permissions, catalog, refinements } = options;
  const reader = new CampaignProgressReader(options);

  /** The campaign, and the refs the caller may read (undefined: every one). */
  const campaignOf = async (
    req: Parameters<HttpAuthService['credentials']>[0],
    id: string,
  ): Promise<{ campaign: Campaign; readable?: Set<string> }> => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const readable = await readableEntityRefs({
      permissions,
      catalog,
      credentials,
    });
    const campaign = await options.campaignSource.get(id);
    if (!campaign || !campaignVisible(readable, campaign)) {
      throw new NotFoundError(`No campaign ${id}`);
    }
    return { campaign, readable };
  };

  router.get('/campaigns/:id/progress', async (req, res) => {
    const { campaign, readable } = await campaignOf(req, req.params.id);
    res.json(await reader.progress(campaign, readable));
  });

  router.get('/campaigns/:id/entities', async (req, res) => {
    const { campaign, readable } = await campaignOf(req, req.params.id);
    const query = refine(
      refinements.ListCampaignEntities.query,
      req.query,
      'query parameters',
    );
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const page = await reader.entities(campaign, readable, {
      state: query.state,
      owner: query.owner,
      limit,
      offset,
    });
    res.json({ items: page.items, totalItems: page.total, limit, offset });
  });

  router.get('/entity-campaigns/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entityRef = entityRefFromPath(req.params);
    // Read with the caller's credentials: only those who may read the entity see it.
    if (!(await catalog.getEntityByRef(entityRef, { credentials }))) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    const readable = await readableEntityRefs({
      permissions,
      catalog,
      credentials,
    });
    const items = await reader.ofEntity(entityRef, readable);
    res.json({ items });
  });

  router.get('/campaigns/:id/export.csv', async (req, res) => {
    const { campaign, readable } = await campaignOf(req, req.params.id);
    const query = refine(
      refinements.ExportCampaignEntities.query,
      req.query,
      'query parameters',
    );
    const page = await reader.entities(campaign, readable, {
      state: query.state,
      owner: query.owner,
    });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="campaign-${campaign.id}.csv"`,
    );
    res.send(toCsv(page.items));
  });
}
