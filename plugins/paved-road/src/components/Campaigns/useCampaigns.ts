import { useApi } from '@backstage/core-plugin-api';
import {
  Campaign,
  CampaignProgress,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import useAsync from 'react-use/esm/useAsync';
import { pavedRoadApiRef } from '../../api';

/** A campaign with its progress, or why the progress could not be read. */
export interface CampaignWithProgress {
  campaign: Campaign;
  progress?: CampaignProgress;
  progressError?: Error;
}

/** The scorecard definitions, to name goals; none when they cannot be read. */
export function useScorecardDefinitions(): ScorecardDefinition[] {
  const api = useApi(pavedRoadApiRef);
  const { value } = useAsync(
    async () => (await api.listScorecards()).scorecards,
    [api],
  );
  return value ?? [];
}

/** Every campaign with its progress: one request for the list, one per campaign. */
export function useCampaigns() {
  const api = useApi(pavedRoadApiRef);
  return useAsync(async (): Promise<CampaignWithProgress[]> => {
    const { items } = await api.listCampaigns();
    return Promise.all(
      items.map(campaign =>
        api.getCampaignProgress(campaign.id).then(
          progress => ({ campaign, progress }),
          progressError => ({ campaign, progressError }),
        ),
      ),
    );
  }, [api]);
}
