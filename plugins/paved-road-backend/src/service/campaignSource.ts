import { Campaign } from '@paved-road/backstage-plugin-common';
import { CampaignStore } from '../database/CampaignStore';

/**
 * Every campaign, from configuration and from the API: a configured campaign wins over
 * a stored one of the same id (the API refuses to create one, but configuration may
 * declare it later).
 *
 * @internal
 */
export interface CampaignSource {
  /** Every campaign, ordered by id. */
  all(): Promise<Campaign[]>;
  /** One campaign; undefined when there is none of that id. */
  get(id: string): Promise<Campaign | undefined>;
  /** The configured campaign of that id, if any. */
  configured(id: string): Campaign | undefined;
}

/** The campaigns of configuration (as read now) and of the store. @internal */
export function campaignSource(
  configured: () => Campaign[],
  store: Pick<CampaignStore, 'list' | 'get'>,
): CampaignSource {
  const configuredOne = (id: string) => configured().find(c => c.id === id);
  return {
    async all() {
      const fromConfig = configured();
      const ids = new Set(fromConfig.map(c => c.id));
      const stored = (await store.list()).filter(c => !ids.has(c.id));
      return [...fromConfig, ...stored].sort((a, b) =>
        a.id.localeCompare(b.id, 'en-US'),
      );
    },
    async get(id) {
      return configuredOne(id) ?? (await store.get(id));
    },
    configured: configuredOne,
  };
}
