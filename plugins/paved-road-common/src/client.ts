import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  CampaignEntityPage,
  CampaignRequests,
  PavedRoadCampaignsApi,
} from './campaignClient';
import { CampaignEntity, CampaignProgress } from './campaignProgress';
import { Exemption, ExemptionEvent, ExemptionRequest } from './exemptions';
import { Campaign, CampaignEdit, CampaignInput } from './campaigns';
import {
  AggregatesQuery,
  AggregatesResponse,
  EntityResultsResponse,
  EntityScorecardsResponse,
  EvaluationSummary,
  HistoryQuery,
  HistoryResponse,
  ResultsPage,
  ResultsQuery,
  ScorecardsResponse,
} from './results';
import {
  RecordedUpgradeRun,
  ScaffoldEvent,
  ScaffoldEventInput,
  TemplateAdoption,
  TemplateRelease,
  UpgradeRequest,
  UpgradeRequestsQuery,
  UpgradeRun,
  UpgradeRunInput,
  UpgradeRunWithResults,
  UpgradeTemplateSummary,
} from './types';

function queryString(query: object | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/**
 * Finds the base URL of a plugin's API (the shape of Backstage's DiscoveryApi and
 * DiscoveryService alike).
 *
 * @public
 */
export interface PavedRoadDiscovery {
  /** The base URL of the plugin's API, e.g. `http://localhost:7007/api/paved-road`. */
  getBaseUrl(pluginId: string): Promise<string>;
}

/**
 * The API of the Paved Road backend.
 *
 * @public
 */
export interface PavedRoadApi extends PavedRoadCampaignsApi {
  /**
   * Records one run of a golden-path template (`POST /scaffold-events`); needs the
   * `paved-road.facts.write` permission. In a backend, pass a service token as `token`.
   */
  recordScaffoldEvent(
    event: ScaffoldEventInput,
    options?: { token?: string },
  ): Promise<ScaffoldEvent>;
  /**
   * Recorded scaffold events, newest first (`GET /scaffold-events`): of one template
   * when `templateRef` is set; `limit` defaults to 50, at most 500.
   */
  listScaffoldEvents(query?: {
    templateRef?: string;
    limit?: number;
  }): Promise<{ items: ScaffoldEvent[] }>;
  /**
   * Scaffold counts, hours saved and versions in use per template
   * (`GET /templates/adoption`).
   */
  getTemplateAdoption(): Promise<{ items: TemplateAdoption[] }>;
  /** An entity's stored scorecard results, by its ref or its kind, namespace and name. */
  getEntityScorecards(
    entity: string | { kind: string; namespace?: string; name: string },
  ): Promise<EntityScorecardsResponse>;
  /** Every loaded scorecard definition (`GET /scorecards`). */
  listScorecards(): Promise<ScorecardsResponse>;
  /**
   * A page of entities with their level on a scorecard (`GET /results`), filtered,
   * sorted and paged by `query`.
   */
  listResults(query?: ResultsQuery): Promise<ResultsPage>;
  /**
   * Aggregates of every scope; with `filter`, over the entities of that kind, type and
   * lifecycle only (computed on request).
   */
  getAggregates(filter?: AggregatesQuery): Promise<AggregatesResponse>;
  /**
   * Daily snapshots of an entity's levels, or of a scope's level distribution and totals
   * (`GET /history`).
   */
  getHistory(query: HistoryQuery): Promise<HistoryResponse>;
  /**
   * Runs an evaluation pass now, or with `entityRef` re-evaluates just that entity now
   * (`POST /evaluate`); needs the `paved-road.scorecards.evaluate` permission. `full`
   * re-evaluates every entity.
   */
  evaluate(options?: {
    full?: boolean;
    entityRef?: string;
  }): Promise<EvaluationSummary>;
  /**
   * Records a template upgrade run and its result per service (`POST /upgrade-runs`);
   * needs the `paved-road.facts.write` permission. In a backend, pass a service token
   * as `token`.
   */
  recordUpgradeRun(
    run: UpgradeRunInput,
    options?: { token?: string },
  ): Promise<RecordedUpgradeRun>;
  /**
   * Recorded upgrade runs, newest first, with their outcome counts over the services
   * the caller may read (`GET /upgrade-runs`): of one template when `templateRef` is
   * set; `limit` defaults to 50, at most 500.
   */
  listUpgradeRuns(query?: {
    templateRef?: string;
    limit?: number;
  }): Promise<{ items: UpgradeRun[] }>;
  /**
   * One upgrade run with the results of the services the caller may read
   * (`GET /upgrade-runs/{id}`).
   */
  getUpgradeRun(id: string): Promise<UpgradeRunWithResults>;
  /**
   * Upgrade requests, the latest per service, template and target version, newest
   * first, with their status computed from the catalog (`GET /upgrades`).
   * `totalItems` counts every request that matches, `items` holds `limit` at most.
   */
  listUpgrades(
    query?: UpgradeRequestsQuery,
  ): Promise<{ items: UpgradeRequest[]; totalItems: number }>;
  /**
   * Upgrade requests per template and status (`GET /upgrades/summary`), over the
   * services the caller may read.
   */
  getUpgradeSummary(): Promise<{ items: UpgradeTemplateSummary[] }>;
  /**
   * Template releases, newest first per template (`GET /template-releases`): when each
   * version was first seen in the catalog and when most of the template's golden-path
   * services were on it; of one template when `templateRef` is set.
   */
  listTemplateReleases(request?: {
    templateRef?: string;
  }): Promise<{ items: TemplateRelease[] }>;
}

/**
 * A client for the Paved Road backend, usable in the browser (with Backstage's fetchApi,
 * which adds the user's token) and in backends (with a service token passed per call).
 *
 * @public
 */
export class PavedRoadClient implements PavedRoadApi {
  private readonly discovery: PavedRoadDiscovery;
  private readonly fetchFn: typeof fetch;
  private readonly campaigns = new CampaignRequests((path, init) =>
    this.request(path, init),
  );

  constructor(options: {
    discoveryApi: PavedRoadDiscovery;
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discovery = options.discoveryApi;
    this.fetchFn = options.fetchApi?.fetch ?? ((...args) => fetch(...args));
  }

  /** {@inheritDoc PavedRoadApi.recordScaffoldEvent} */
  async recordScaffoldEvent(
    event: ScaffoldEventInput,
    options?: { token?: string },
  ): Promise<ScaffoldEvent> {
    return this.request('/scaffold-events', {
      method: 'POST',
      body: JSON.stringify(event),
      headers: {
        'Content-Type': 'application/json',
        ...(options?.token ? { Authorization: `Bearer ${options.token}` } : {}),
      },
    });
  }

  /** {@inheritDoc PavedRoadApi.listScaffoldEvents} */
  async listScaffoldEvents(query?: {
    templateRef?: string;
    limit?: number;
  }): Promise<{ items: ScaffoldEvent[] }> {
    const params = new URLSearchParams();
    if (query?.templateRef) params.set('templateRef', query.templateRef);
    if (query?.limit !== undefined) params.set('limit', String(query.limit));
    const qs = params.toString();
    return this.request(`/scaffold-events${qs ? `?${qs}` : ''}`);
  }

  /** {@inheritDoc PavedRoadApi.getTemplateAdoption} */
  async getTemplateAdoption(): Promise<{ items: TemplateAdoption[] }> {
    return this.request('/templates/adoption');
  }

  /** {@inheritDoc PavedRoadApi.getEntityScorecards} */
  async getEntityScorecards(
    entity: string | { kind: string; namespace?: string; name: string },
  ): Promise<EntityScorecardsResponse> {
    const { kind, namespace, name } =
      typeof entity === 'string' ? parseEntityRef(entity) : entity;
    const path = [kind, namespace ?? 'default', name]
      .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
      .join('/');
    // Results and definitions at once; the definitions answer is revalidated by ETag.
    const [stored, { scorecards }] = await Promise.all([
      this.request<EntityResultsResponse>(`/entities/${path}/scorecards`),
      this.listScorecards(),
    ]);
    const ids = new Set(stored.results.map(r => r.scorecardId));
    return { ...stored, scorecards: scorecards.filter(d => ids.has(d.id)) };
  }

  /** {@inheritDoc PavedRoadApi.listScorecards} */
  async listScorecards(): Promise<ScorecardsResponse> {
    return this.request('/scorecards');
  }

  /** {@inheritDoc PavedRoadApi.listResults} */
  async listResults(query?: ResultsQuery): Promise<ResultsPage> {
    return this.request(`/results${queryString(query)}`);
  }

  /** {@inheritDoc PavedRoadApi.getAggregates} */
  async getAggregates(filter?: AggregatesQuery): Promise<AggregatesResponse> {
    return this.request(`/aggregates${queryString(filter)}`);
  }

  /** {@inheritDoc PavedRoadApi.getHistory} */
  async getHistory(query: HistoryQuery): Promise<HistoryResponse> {
    return this.request(`/history${queryString(query)}`);
  }

  /** {@inheritDoc PavedRoadApi.evaluate} */
  async evaluate(options?: {
    full?: boolean;
    entityRef?: string;
  }): Promise<EvaluationSummary> {
    return this.request('/evaluate', {
      method: 'POST',
      body: JSON.stringify(
        options?.entityRef
          ? { entityRef: options.entityRef }
          : { full: options?.full ?? false },
      ),
      headers: { 'Content-Type': 'application/json' },
    });
  }

  /** {@inheritDoc PavedRoadApi.recordUpgradeRun} */
  async recordUpgradeRun(
    run: UpgradeRunInput,
    options?: { token?: string },
  ): Promise<RecordedUpgradeRun> {
    return this.request('/upgrade-runs', {
      method: 'POST',
      body: JSON.stringify(run),
      headers: {
        'Content-Type': 'application/json',
        ...(options?.token ? { Authorization: `Bearer ${options.token}` } : {}),
      },
    });
  }

  /** {@inheritDoc PavedRoadApi.listUpgradeRuns} */
  async listUpgradeRuns(query?: {
    templateRef?: string;
    limit?: number;
  }): Promise<{ items: UpgradeRun[] }> {
    return this.request(`/upgrade-runs${queryString(query)}`);
  }

  /** {@inheritDoc PavedRoadApi.getUpgradeRun} */
  async getUpgradeRun(id: string): Promise<UpgradeRunWithResults> {
    return this.request(`/upgrade-runs/${encodeURIComponent(id)}`);
  }

  /** {@inheritDoc PavedRoadApi.listUpgrades} */
  async listUpgrades(
    query?: UpgradeRequestsQuery,
  ): Promise<{ items: UpgradeRequest[]; totalItems: number }> {
    return this.request(`/upgrades${queryString(query)}`);
  }

  /** {@inheritDoc PavedRoadApi.getUpgradeSummary} */
  async getUpgradeSummary(): Promise<{ items: UpgradeTemplateSummary[] }> {
    return this.request('/upgrades/summary');
  }

  /** {@inheritDoc PavedRoadApi.listTemplateReleases} */
  async listTemplateReleases(request?: {
    templateRef?: string;
  }): Promise<{ items: TemplateRelease[] }> {
    return this.request(`/template-releases${queryString(request)}`);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.listCampaigns} */
  async listCampaigns(): Promise<{ items: Campaign[] }> {
    return this.campaigns.listCampaigns();
  }

  /** {@inheritDoc PavedRoadCampaignsApi.getCampaign} */
  async getCampaign(id: string): Promise<Campaign> {
    return this.campaigns.getCampaign(id);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.createCampaign} */
  async createCampaign(
    campaign: CampaignInput,
    options?: { token?: string },
  ): Promise<Campaign> {
    return this.campaigns.createCampaign(campaign, options);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.updateCampaign} */
  async updateCampaign(
    id: string,
    campaign: CampaignInput,
    options?: { token?: string },
  ): Promise<Campaign> {
    return this.campaigns.updateCampaign(id, campaign, options);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.deleteCampaign} */
  async deleteCampaign(id: string, options?: { token?: string }) {
    return this.campaigns.deleteCampaign(id, options);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.listCampaignEdits} */
  async listCampaignEdits(id: string): Promise<{ items: CampaignEdit[] }> {
    return this.campaigns.listCampaignEdits(id);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.getCampaignProgress} */
  async getCampaignProgress(id: string): Promise<CampaignProgress> {
    return this.campaigns.getCampaignProgress(id);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.listExemptions} */
  async listExemptions(
    query?: Parameters<PavedRoadCampaignsApi['listExemptions']>[0],
  ): Promise<{ items: Exemption[] }> {
    return this.campaigns.listExemptions(query);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.requestExemption} */
  async requestExemption(request: ExemptionRequest): Promise<Exemption> {
    return this.campaigns.requestExemption(request);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.decideExemption} */
  async decideExemption(
    id: string,
    decision: 'approve' | 'reject' | 'revoke',
    note?: string,
  ): Promise<Exemption> {
    return this.campaigns.decideExemption(id, decision, note);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.listExemptionEvents} */
  async listExemptionEvents(
    entityRef: string,
  ): Promise<{ items: ExemptionEvent[] }> {
    return this.campaigns.listExemptionEvents(entityRef);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.listEntityCampaigns} */
  async listEntityCampaigns(
    entityRef: string,
  ): Promise<{ items: Array<{ campaign: Campaign; entity: CampaignEntity }> }> {
    return this.campaigns.listEntityCampaigns(entityRef);
  }

  /** {@inheritDoc PavedRoadCampaignsApi.listCampaignEntities} */
  async listCampaignEntities(
    id: string,
    query?: Parameters<PavedRoadCampaignsApi['listCampaignEntities']>[1],
  ): Promise<CampaignEntityPage> {
    return this.campaigns.listCampaignEntities(id, query);
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('paved-road');
    const response = await this.fetchFn(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}
