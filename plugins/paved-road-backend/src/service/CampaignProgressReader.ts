import {
  Campaign,
  CampaignEntity,
  CampaignEntityState,
  CampaignProgress,
  CampaignUpgrades,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import semver from 'semver';
import {
  CampaignProgressStore,
  StoredCampaignEntity,
} from '../database/CampaignProgressStore';
import { DatabaseUpgradeStore } from '../database/DatabaseUpgradeStore';
import { CatalogIndex } from './CatalogIndex';
import {
  entityOf,
  progressOf,
  progressOfRows,
  todosOf,
} from './campaignProgress';
import { campaignVisible } from './campaignRoutes';
import { CampaignSource } from './campaignSource';

/**
 * Reads campaigns' progress as the evaluation passes stored it, for the HTTP API and
 * the actions registry: nothing is evaluated per read. A caller who may read only some
 * entities (`readable`) gets counts and entities among those.
 *
 * @internal
 */
export class CampaignProgressReader {
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      index: CatalogIndex;
      campaignSource: CampaignSource;
      progress: CampaignProgressStore;
      evaluation: { getScorecards(): { definitions: ScorecardDefinition[] } };
      upgrades: Pick<DatabaseUpgradeStore, 'latestRequests'>;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** A campaign's progress, with its teams and (for callers reading every entity) burn-up. */
  async progress(
    campaign: Campaign,
    readable: ReadonlySet<string> | undefined,
  ): Promise<CampaignProgress> {
    const { index, progress } = this.options;
    await index.ensureFresh();
    const days = await progress.days(campaign.id);
    const counted = readable
      ? progressOfRows(
          campaign,
          (await progress.entities(campaign.id)).items.filter(r =>
            readable.has(r.entityRef),
          ),
          index,
          this.now(),
          days[days.length - 1]?.data.computedAt ?? null,
        )
      : progressOf(campaign, days, index, this.now());
    const upgrades = await this.upgrades(campaign, readable);
    return upgrades ? { ...counted, upgrades } : counted;
  }

  /**
   * For a template-version goal, the latest upgrade request of each entity in scope to a
   * version satisfying the range since the campaign started, by status: merged once the
   * entity's stored state is done, otherwise as the upgrade ended.
   */
  private async upgrades(
    campaign: Campaign,
    readable: ReadonlySet<string> | undefined,
  ): Promise<CampaignUpgrades | undefined> {
    const { goal, scope } = campaign;
    if (goal.type !== 'template-version') return undefined;
    const since = `${campaign.startsOn}T00:00:00.000Z`;
    const requests = (
      await this.options.upgrades.latestRequests({
        templateRef: goal.template,
        visible: readable,
        brief: true,
      })
    ).filter(
      r =>
        r.createdAt >= since &&
        r.outcome !== 'current' &&
        semver.satisfies(r.toVersion, goal.range),
    );
    // One request per entity: the newest (they come newest first).
    const latest = new Map<string, (typeof requests)[number]>();
    for (const request of requests) {
      if (!latest.has(request.entityRef))
        latest.set(request.entityRef, request);
    }
    const states = await this.options.progress.statesOf(campaign.id, [
      ...latest.keys(),
    ]);
    const counts = {
      requests: 0,
      open: 0,
      merged: 0,
      conflicted: 0,
      failed: 0,
    };
    for (const [ref, request] of latest) {
      const state = states.get(ref);
      if (!state) continue;
      counts.requests += 1;
      if (state !== 'todo') counts.merged += 1;
      else if (request.outcome === 'opened') counts.open += 1;
      else if (request.outcome === 'conflicted') counts.conflicted += 1;
      else counts.failed += 1;
    }
    return {
      ...counts,
      bulk: {
        templateRef: goal.template,
        ...(scope.owner ? { owner: scope.owner } : {}),
        ...(scope.system ? { system: scope.system } : {}),
        broader: Boolean(
          scope.kind || scope.type || scope.lifecycle || scope.filter,
        ),
      },
    };
  }

  /**
   * The campaign's entities matching the query (an owner with its subgroups), ordered
   * by owner, with what those to do still fail.
   */
  async entities(
    campaign: Campaign,
    readable: ReadonlySet<string> | undefined,
    query: {
      state?: CampaignEntityState;
      owner?: string;
      limit?: number;
      offset?: number;
    },
  ): Promise<{ items: CampaignEntity[]; total: number }> {
    const { index, progress } = this.options;
    await index.ensureFresh();
    const owners = query.owner ? index.descendantsOf(query.owner) : undefined;
    let page: { items: StoredCampaignEntity[]; total: number };
    if (readable) {
      const all = await progress.entities(campaign.id, {
        state: query.state,
        owners,
      });
      const items = all.items.filter(r => readable.has(r.entityRef));
      const offset = query.offset ?? 0;
      page = {
        items:
          query.limit === undefined
            ? items.slice(offset)
            : items.slice(offset, offset + query.limit),
        total: items.length,
      };
    } else {
      page = await progress.entities(campaign.id, {
        state: query.state,
        owners,
        limit: query.limit,
        offset: query.offset,
      });
    }
    const { goal } = campaign;
    const todoRefs = page.items
      .filter(r => r.state === 'todo')
      .map(r => r.entityRef);
    const statuses =
      goal.type === 'template-version' || !todoRefs.length
        ? new Map()
        : await progress.checkStatuses(goal.scorecard, todoRefs);
    return {
      total: page.total,
      items: page.items.map(row =>
        this.toEntity(campaign, row, statuses.get(row.entityRef)),
      ),
    };
  }

  /**
   * The campaigns the caller may see whose scope includes the entity, nearest deadline
   * first, each with where the entity stands.
   */
  async ofEntity(
    entityRef: string,
    readable: ReadonlySet<string> | undefined,
  ): Promise<Array<{ campaign: Campaign; entity: CampaignEntity }>> {
    const { progress, campaignSource } = this.options;
    const rows = new Map(
      (await progress.ofEntity(entityRef)).map(row => [row.campaignId, row]),
    );
    const items = [];
    for (const campaign of await campaignSource.all()) {
      const row = rows.get(campaign.id);
      if (!row || !campaignVisible(readable, campaign)) continue;
      const { goal } = campaign;
      const statuses =
        row.state === 'todo' && goal.type !== 'template-version'
          ? (await progress.checkStatuses(goal.scorecard, [entityRef])).get(
              entityRef,
            )
          : undefined;
      items.push({ campaign, entity: this.toEntity(campaign, row, statuses) });
    }
    return items.sort(
      (a, b) =>
        a.campaign.deadline.localeCompare(b.campaign.deadline) ||
        a.campaign.id.localeCompare(b.campaign.id),
    );
  }

  private toEntity(
    campaign: Campaign,
    row: StoredCampaignEntity,
    statuses: Parameters<typeof todosOf>[1],
  ): CampaignEntity {
    return entityOf(
      campaign,
      row,
      row.state === 'todo'
        ? todosOf(
            campaign,
            statuses,
            this.options.evaluation.getScorecards().definitions,
          )
        : [],
      this.now(),
    );
  }
}
