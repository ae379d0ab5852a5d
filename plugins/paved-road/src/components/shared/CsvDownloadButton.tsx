import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Button, Typography } from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import useAsyncFn from 'react-use/esm/useAsyncFn';

/**
 * Downloads a CSV of the Paved Road backend (`path` below its base URL, with `query`)
 * as `fileName`. The file is fetched with the fetch API so the request carries the
 * user's token, then handed to the browser; a failure is shown beside the button.
 */
export function CsvDownloadButton(props: {
  path: string;
  query: string;
  fileName: string;
  label: string;
}) {
  const { path, query, fileName, label } = props;
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const [state, download] = useAsyncFn(async () => {
    const baseUrl = await discoveryApi.getBaseUrl('paved-road');
    const response = await fetchApi.fetch(
      `${baseUrl}${path}${query ? `?${query}` : ''}`,
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const url = URL.createObjectURL(await response.blob());
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = fileName;
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    URL.revokeObjectURL(url);
  }, [discoveryApi, fetchApi, path, query, fileName]);
  return (
    <>
      {state.error && (
        <Typography role="alert" color="error" variant="body2">
          {label} failed: {state.error.message}
        </Typography>
      )}
      <Button
        variant="outlined"
        color="primary"
        startIcon={<GetAppIcon />}
        disabled={state.loading}
        onClick={() => download()}
      >
        {label} CSV
      </Button>
    </>
  );
}
