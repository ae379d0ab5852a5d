import { parseEntityRef } from '@backstage/catalog-model';
import {
  CampaignEntity,
  CampaignEntityState,
  CampaignProgress,
} from './campaignProgress';
import { Campaign, CampaignEdit, CampaignInput } from './campaigns';
import {
  Exemption,
  ExemptionEvent,
  ExemptionRequest,
  ExemptionStatus,
} from './exemptions';

/**
 * The campaign methods of the Paved Road API, part of `PavedRoadApi`.
 *
 * @public
 */
export interface PavedRoadCampaignsApi {
  /** Every campaign, from the API and from configuration, by id (`GET /campaigns`). */
  listCampaigns(): Promise<{ items: Campaign[] }>;
  /** One campaign (`GET /campaigns/{id}`). */
  getCampaign(id: string): Promise<Campaign>;
  /**
   * Creates a campaign (`POST /campaigns`); needs the `paved-road.campaigns.manage`
   * permission. In a backend, pass a service token as `token`.
   */
  createCampaign(
    campaign: CampaignInput,
    options?: { token?: string },
  ): Promise<Campaign>;
  /**
   * Replaces a campaign created through the API (`PUT /campaigns/{id}`); needs the
   * `paved-road.campaigns.manage` permission. `campaign.id` must be `id`.
   */
  updateCampaign(
    id: string,
    campaign: CampaignInput,
    options?: { token?: string },
  ): Promise<Campaign>;
  /**
   * Deletes a campaign created through the API (`DELETE /campaigns/{id}`); its edit
   * log is kept. Needs the `paved-road.campaigns.manage` permission.
   */
  deleteCampaign(id: string, options?: { token?: string }): Promise<void>;
  /**
   * A campaign's edit log, newest first (`GET /campaigns/{id}/edits`), also after it
   * was deleted.
   */
  listCampaignEdits(id: string): Promise<{ items: CampaignEdit[] }>;
  /**
   * A campaign's progress as the last evaluation pass computed it, with its teams and
   * burn-up (`GET /campaigns/{id}/progress`).
   */
  getCampaignProgress(id: string): Promise<CampaignProgress>;
  /**
   * A page of a campaign's entities, ordered by owner (`GET /campaigns/{id}/entities`):
   * narrowed to a state, or to an owner with its subgroups.
   */
  listCampaignEntities(
    id: string,
    query?: {
      state?: CampaignEntityState;
      owner?: string;
      limit?: number;
      offset?: number;
    },
  ): Promise<CampaignEntityPage>;
  /**
   * The campaigns whose scope includes an entity, nearest deadline first, each with
   * where the entity stands (`GET /entity-campaigns/{kind}/{namespace}/{name}`).
   */
  listEntityCampaigns(
    entityRef: string,
  ): Promise<{ items: Array<{ campaign: Campaign; entity: CampaignEntity }> }>;
  /**
   * Exemptions, newest first (`GET /exemptions`); for one entity, with the escape
   * hatches recorded when it was made.
   */
  listExemptions(query?: {
    entityRef?: string;
    status?: ExemptionStatus;
  }): Promise<{ items: Exemption[] }>;
  /** Requests an exemption (`POST /exemptions`), as an owner of the entity. */
  requestExemption(request: ExemptionRequest): Promise<Exemption>;
  /**
   * Approves, rejects or revokes an exemption (`POST /exemptions/{id}/approve`, …);
   * needs `paved-road.exemptions.approve`, and not one's own request.
   */
  decideExemption(
    id: string,
    decision: 'approve' | 'reject' | 'revoke',
    note?: string,
  ): Promise<Exemption>;
  /** The audit log of an entity's exemptions, oldest first (`GET /exemption-events`). */
  listExemptionEvents(entityRef: string): Promise<{ items: ExemptionEvent[] }>;
}

/**
 * A page of a campaign's entities (`GET /campaigns/{id}/entities`).
 *
 * @public
 */
export interface CampaignEntityPage {
  /** The entities of the page. */
  items: CampaignEntity[];
  /** How many entities match, over all pages. */
  totalItems: number;
  /** The page size asked for. */
  limit: number;
  /** The position of the page's first entity among all. */
  offset: number;
}

/**
 * Sends a request to the Paved Road backend: `path` below its base URL; answers the
 * parsed JSON body, or undefined for 204.
 *
 * @internal
 */
export type PavedRoadRequest = <T>(
  path: string,
  init?: RequestInit,
) => Promise<T>;

/**
 * The campaign methods of `PavedRoadClient`, which delegates to it.
 *
 * @internal
 */
export class CampaignRequests implements PavedRoadCampaignsApi {
  constructor(private readonly request: PavedRoadRequest) {}

  async listCampaigns(): Promise<{ items: Campaign[] }> {
    return this.request('/campaigns');
  }

  async getCampaign(id: string): Promise<Campaign> {
    return this.request(`/campaigns/${encodeURIComponent(id)}`);
  }

  async createCampaign(
    campaign: CampaignInput,
    options?: { token?: string },
  ): Promise<Campaign> {
    return this.request('/campaigns', write('POST', campaign, options));
  }

  async updateCampaign(
    id: string,
    campaign: CampaignInput,
    options?: { token?: string },
  ): Promise<Campaign> {
    return this.request(
      `/campaigns/${encodeURIComponent(id)}`,
      write('PUT', campaign, options),
    );
  }

  async deleteCampaign(id: string, options?: { token?: string }) {
    await this.request<void>(
      `/campaigns/${encodeURIComponent(id)}`,
      write('DELETE', undefined, options),
    );
  }

  async listCampaignEdits(id: string): Promise<{ items: CampaignEdit[] }> {
    return this.request(`/campaigns/${encodeURIComponent(id)}/edits`);
  }

  async getCampaignProgress(id: string): Promise<CampaignProgress> {
    return this.request(`/campaigns/${encodeURIComponent(id)}/progress`);
  }

  async listCampaignEntities(
    id: string,
    query: {
      state?: CampaignEntityState;
      owner?: string;
      limit?: number;
      offset?: number;
    } = {},
  ): Promise<CampaignEntityPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const qs = params.toString();
    return this.request(
      `/campaigns/${encodeURIComponent(id)}/entities${qs ? `?${qs}` : ''}`,
    );
  }
  async listExemptions(
    query: { entityRef?: string; status?: ExemptionStatus } = {},
  ): Promise<{ items: Exemption[] }> {
    const params = new URLSearchParams();
    if (query.entityRef) params.set('entityRef', query.entityRef);
    if (query.status) params.set('status', query.status);
    const qs = params.toString();
    return this.request(`/exemptions${qs ? `?${qs}` : ''}`);
  }

  async requestExemption(request: ExemptionRequest): Promise<Exemption> {
    return this.request('/exemptions', write('POST', request, undefined));
  }

  async decideExemption(
    id: string,
    decision: 'approve' | 'reject' | 'revoke',
    note?: string,
  ): Promise<Exemption> {
    return this.request(
      `/exemptions/${encodeURIComponent(id)}/${decision}`,
      write('POST', note ? { note } : {}, undefined),
    );
  }

  async listExemptionEvents(
    entityRef: string,
  ): Promise<{ items: ExemptionEvent[] }> {
    return this.request(
      `/exemption-events?${new URLSearchParams({ entityRef })}`,
    );
  }

  async listEntityCampaigns(
    entityRef: string,
  ): Promise<{ items: Array<{ campaign: Campaign; entity: CampaignEntity }> }> {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return this.request(
      `/entity-campaigns/${[kind, namespace, name]
        .map(encodeURIComponent)
        .join('/')}`,
    );
  }
}

function write(
  method: string,
  body: unknown,
  options: { token?: string } | undefined,
): RequestInit {
  return {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    headers: {
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(options?.token ? { Authorization: `Bearer ${options.token}` } : {}),
    },
  };
}
