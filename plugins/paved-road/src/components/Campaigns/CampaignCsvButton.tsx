import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Button, Typography } from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { CampaignEntityFilter, entityFilterQuery } from './useEntityFilter';

/**
 * Downloads `/campaigns/{id}/export.csv` with the entities table's filter. The file is
 * fetched with the fetch API so the request carries the user's token.
 */
export function CampaignCsvButton(props: {
  campaignId: string;
  filter: CampaignEntityFilter;
}) {
  const { campaignId, filter } = props;
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const [state, download] = useAsyncFn(async () => {
    const baseUrl = await discoveryApi.getBaseUrl('paved-road');
    const qs = entityFilterQuery(filter);
    const response = await fetchApi.fetch(
      `${baseUrl}/campaigns/${encodeURIComponent(campaignId)}/export.csv${
        qs ? `?${qs}` : ''
      }`,
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const url = URL.createObjectURL(await response.blob());
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = `campaign-${campaignId}.csv`;
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    URL.revokeObjectURL(url);
  }, [discoveryApi, fetchApi, campaignId, filter.state, filter.owner]);
  return (
    <>
      {state.error && (
        <Typography role="alert" color="error" variant="body2">
          Download failed: {state.error.message}
        </Typography>
      )}
      <Button
        variant="outlined"
        color="primary"
        startIcon={<GetAppIcon />}
        disabled={state.loading}
        onClick={() => download()}
      >
        Download CSV
      </Button>
    </>
  );
}
