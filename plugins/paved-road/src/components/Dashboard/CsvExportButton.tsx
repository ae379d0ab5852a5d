import { CsvDownloadButton } from '../shared/CsvDownloadButton';
import { DashboardFilters, filtersToQuery } from './useDashboardFilters';

/** Downloads `/export.csv` with the dashboard's filters. */
export function CsvExportButton(props: { filters: DashboardFilters }) {
  return (
    <CsvDownloadButton
      path="/export.csv"
      query={filtersToQuery(props.filters)}
      fileName="paved-road-scorecards.csv"
      label="Export"
    />
  );
}
