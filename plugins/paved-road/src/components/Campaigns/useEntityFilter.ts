import { CampaignEntityState } from '@paved-road/backstage-plugin-common';
import { useSearchParams } from 'react-router-dom';

/** Which of a campaign's entities are listed: a state (or all), an owner's. */
export interface CampaignEntityFilter {
  state?: CampaignEntityState;
  owner?: string;
}

const STATES: readonly string[] = ['todo', 'done', 'exempt'];

/** The filter as a query string for `/entities` and `/export.csv`, without `?`. */
export function entityFilterQuery(filter: CampaignEntityFilter): string {
  const params = new URLSearchParams();
  if (filter.state) params.set('state', filter.state);
  if (filter.owner) params.set('owner', filter.owner);
  return params.toString();
}

/**
 * The entities table's filter, kept in the page's query string so a drill-down can be
 * shared: `state` is `todo` unless set (`all` lists every state), `owner` a team.
 */
export function useEntityFilter(): [
  CampaignEntityFilter,
  (change: { state?: string; owner?: string | null }) => void,
] {
  const [params, setParams] = useSearchParams();
  const state = params.get('state') ?? 'todo';
  const filter: CampaignEntityFilter = {
    state: STATES.includes(state) ? (state as CampaignEntityState) : undefined,
    owner: params.get('owner') ?? undefined,
  };
  const setFilter = (change: { state?: string; owner?: string | null }) => {
    const next = new URLSearchParams(params);
    if (change.state !== undefined) next.set('state', change.state);
    if (change.owner === null) next.delete('owner');
    else if (change.owner !== undefined) next.set('owner', change.owner);
    setParams(next);
  };
  return [filter, setFilter];
}
