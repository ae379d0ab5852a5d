import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CampaignEdit } from '@paved-road/backstage-plugin-common';
import useAsync from 'react-use/esm/useAsync';
import { pavedRoadApiRef } from '../../api';
import { shortRef } from '../shared/shortRef';

const ACTIONS: Record<CampaignEdit['action'], string> = {
  created: 'Created',
  updated: 'Updated',
  deleted: 'Deleted',
};

/** A campaign's edit log, newest first: who changed which fields, when. */
export function CampaignEditLog(props: { campaignId: string }) {
  const api = useApi(pavedRoadApiRef);
  const edits = useAsync(
    async () => (await api.listCampaignEdits(props.campaignId)).items,
    [api, props.campaignId],
  );
  if (edits.loading) return <Progress />;
  if (edits.error) return <ResponseErrorPanel error={edits.error} />;
  const columns: TableColumn<CampaignEdit>[] = [
    { title: 'When', render: row => new Date(row.at).toLocaleString() },
    { title: 'Who', render: row => shortRef(row.by, 'user') },
    { title: 'What', render: row => ACTIONS[row.action] },
    {
      title: 'Fields',
      render: row => Object.keys(row.changes).join(', ') || '–',
    },
  ];
  return (
    <Table<CampaignEdit>
      title="Edit log"
      options={{
        paging: (edits.value?.length ?? 0) > 10,
        pageSize: 10,
        emptyRowsWhenPaging: false,
        search: false,
        sorting: false,
        padding: 'dense',
      }}
      emptyContent="No edits recorded."
      columns={columns}
      data={edits.value ?? []}
    />
  );
}
