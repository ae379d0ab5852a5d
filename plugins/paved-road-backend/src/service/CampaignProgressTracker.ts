import { LoggerService } from '@backstage/backend-plugin-api';
import { createHash, randomUUID } from 'node:crypto';
import {
  Campaign,
  CampaignEntityState,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import {
  CampaignProgressStore,
  CurrentState,
} from '../database/CampaignProgressStore';
import { parseJson } from '../database/tables';
import { ScorecardRuleOperator } from '../scorecards/operators';
import { compileRule } from '../scorecards/rules';
import { CatalogIndex } from './CatalogIndex';
import { campaignStateQuery } from './campaignScope';

/** Rows of a filtered scope read at once. */
const PAGE = 2000;

const message = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/** The state key of what the last computed progress depended on. */
const FINGERPRINT_KEY = 'campaign_progress_fingerprint';

/**
 * Computes every campaign's progress at the end of an evaluation pass, from the stored
 * results ({@link campaignStateQuery}), reconciles each entity's completion state
 * ({@link CampaignProgressStore}) and writes the day's snapshot. Skipped when nothing it
 * depends on changed since it last ran (the results, the campaigns, the scorecards, the
 * day). A campaign that cannot be computed (its scorecard no longer loaded) is logged
 * and skipped; the others go on.
 *
 * @internal
 */
export class CampaignProgressTracker {
  /** Problems already logged, so each is logged once. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly options: {
      store: CampaignProgressStore;
      index: Pick<CatalogIndex, 'descendantsOf'>;
      campaigns: () => Promise<Campaign[]>;
      scorecards: () => ScorecardDefinition[];
      operators?: Iterable<ScorecardRuleOperator>;
      logger?: LoggerService;
      historyRetentionDays?: number;
    },
  ) {}

  /**
   * Computes every campaign's progress as of `now`, unless nothing changed since the
   * last time: `resultsKey` changes whenever the stored results do. Answers how long it
   * took (ms), or undefined when skipped.
   */
  async update(
    options: { resultsKey?: string; now?: Date } = {},
  ): Promise<number | undefined> {
    const started = Date.now();
    const now = options.now ?? new Date();
    const { store } = this.options;
    const campaigns = await this.options.campaigns();
    const scorecards = this.options.scorecards();
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify([
          options.resultsKey ?? randomUUID(),
          now.toISOString().slice(0, 10),
          campaigns.map(({ createdAt, updatedAt, ...c }) => c),
          scorecards,
        ]),
      )
      .digest('hex');
    if ((await store.getState(FINGERPRINT_KEY)) === fingerprint) {
      return undefined;
    }
    await store.keepOnly(campaigns.map(c => c.id));
    for (const campaign of campaigns) {
      try {
        await this.updateOne(campaign, now, scorecards);
      } catch (error) {
        const problem = `Paved Road: the progress of campaign '${
          campaign.id
        }' was not computed: ${message(error)}`;
        if (!this.warned.has(problem)) {
          this.warned.add(problem);
          this.options.logger?.warn(problem);
        }
      }
    }
    const retention = this.options.historyRetentionDays ?? 90;
    await store.prune(
      new Date(now.getTime() - retention * 86_400_000)
        .toISOString()
        .slice(0, 10),
    );
    await store.setState(FINGERPRINT_KEY, fingerprint);
    return Date.now() - started;
  }

  /** One campaign's progress: reconciled, counted, and written as today's snapshot. */
  async updateOne(
    campaign: Campaign,
    now: Date,
    scorecards = this.options.scorecards(),
  ) {
    const { store } = this.options;
    const filter = campaign.scope.filter;
    if (filter === undefined) {
      const { query } = await campaignStateQuery(store.db, campaign, {
        scorecards,
        index: this.options.index,
      });
      await store.reconcile(campaign.id, query, now);
    } else {
      const rule = compileRule(filter, {
        where: `campaign '${campaign.id}' scope.filter`,
        operators: this.options.operators,
      });
      const rows: CurrentState[] = [];
      // Page by page in entity ref order, each page reading only its own rows.
      for (let after = ''; ; ) {
        const { query } = await campaignStateQuery(store.db, campaign, {
          scorecards,
          index: this.options.index,
          withFacts: true,
          page: { after, limit: PAGE },
        });
        const page: Array<{
          entity_ref: string;
          owner: string | null;
          state: CampaignEntityState;
          facts: string | null;
          source_errors: string | null;
        }> = await query;
        for (const row of page) {
          const verdict = rule.evaluate(
            parseJson(row.facts, {}),
            parseJson(row.source_errors, {}),
          );
          if (verdict === true) {
            rows.push({
              entityRef: row.entity_ref,
              owner: row.owner,
              state: row.state,
            });
          }
        }
        if (page.length < PAGE) break;
        after = page[page.length - 1].entity_ref;
      }
      await store.reconcileRows(campaign.id, rows, now);
    }
    const data = await store.count(campaign.id, campaign.startsOn, now);
    await store.writeDay(campaign.id, now.toISOString().slice(0, 10), data);
  }
}
