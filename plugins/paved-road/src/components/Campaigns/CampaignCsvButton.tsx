import { CsvDownloadButton } from '../shared/CsvDownloadButton';
import { CampaignEntityFilter, entityFilterQuery } from './useEntityFilter';

/** Downloads `/campaigns/{id}/export.csv` with the entities table's filter. */
export function CampaignCsvButton(props: {
  campaignId: string;
  filter: CampaignEntityFilter;
}) {
  const { campaignId, filter } = props;
  return (
    <CsvDownloadButton
      path={`/campaigns/${encodeURIComponent(campaignId)}/export.csv`}
      query={entityFilterQuery(filter)}
      fileName={`campaign-${campaignId}.csv`}
      label="Download"
    />
  );
}
