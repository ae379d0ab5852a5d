import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Button, Typography } from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { DashboardFilters, filtersToQuery } from './useDashboardFilters';

/**
 * Downloads `/export.csv` with the dashboard's filters. The file is fetched with the
 * fetch API so the request carries the user's token, then handed to the browser.
 */
export function CsvExportButton(props: { filters: DashboardFilters }) {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const [state, download] = useAsyncFn(async () => {
    const baseUrl = await discoveryApi.getBaseUrl('paved-road');
    const qs = filtersToQuery(props.filters);
    const response = await fetchApi.fetch(
      `${baseUrl}/export.csv${qs ? `?${qs}` : ''}`,
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const url = URL.createObjectURL(await response.blob());
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = 'paved-road-scorecards.csv';
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    URL.revokeObjectURL(url);
  }, [discoveryApi, fetchApi, props.filters]);
  return (
    <>
      {state.error && (
        <Typography role="alert" color="error" variant="body2">
          Export failed: {state.error.message}
        </Typography>
      )}
      <Button
        variant="outlined"
        color="primary"
        startIcon={<GetAppIcon />}
        disabled={state.loading}
        onClick={() => download()}
      >
        Export CSV
      </Button>
    </>
  );
}
