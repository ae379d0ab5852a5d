import { Campaign, CampaignEdit, CampaignInput } from './campaigns';

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
