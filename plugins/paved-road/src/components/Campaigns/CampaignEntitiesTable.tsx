import { Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Chip, MenuItem, TextField, Typography } from '@material-ui/core';
import { CampaignEntity } from '@paved-road/backstage-plugin-common';
import { pavedRoadApiRef } from '../../api';
import { EntityNameLink } from '../shared/EntityNameLink';
import { shortRef } from '../shared/shortRef';
import { CampaignCsvButton } from './CampaignCsvButton';
import { TodoList } from './TodoList';
import { CampaignEntityFilter, entityFilterQuery } from './useEntityFilter';

const STATE_OPTIONS = [
  { value: 'todo', label: 'To do' },
  { value: 'done', label: 'Done' },
  { value: 'exempt', label: 'Exempt' },
  { value: 'all', label: 'All' },
];

const STATE_LABELS: Record<CampaignEntity['state'], string> = {
  todo: 'To do',
  done: 'Done',
  exempt: 'Exempt',
};

function StateCell(props: { entity: CampaignEntity }) {
  const { entity } = props;
  return (
    <Box display="flex" alignItems="center" style={{ gap: 4 }}>
      <Typography variant="body2">{STATE_LABELS[entity.state]}</Typography>
      {entity.overdue && (
        <Chip size="small" label="Overdue" style={{ fontWeight: 500 }} />
      )}
      {entity.regressions > 0 && (
        <Chip size="small" variant="outlined" label="Regressed" />
      )}
    </Box>
  );
}

function WhatToChange(props: { entity: CampaignEntity }) {
  const { entity } = props;
  if (entity.state === 'todo') return <TodoList todo={entity.todo} />;
  return (
    <Typography variant="body2" color="textSecondary">
      {entity.completedAt
        ? `Completed ${entity.completedAt.slice(0, 10)}`
        : 'Nothing'}
      {entity.daysToComplete !== null
        ? ` in ${entity.daysToComplete} days`
        : ''}
    </Typography>
  );
}

/**
 * A campaign's entities, paged by the backend: to do by default, with what each still
 * has to change; narrowed to a state or to a team (with its subgroups), and
 * downloadable as CSV with the same filter.
 */
export function CampaignEntitiesTable(props: {
  campaignId: string;
  filter: CampaignEntityFilter;
  onChange: (change: { state?: string; owner?: string | null }) => void;
}) {
  const { campaignId, filter, onChange } = props;
  const api = useApi(pavedRoadApiRef);
  const columns: TableColumn<CampaignEntity>[] = [
    {
      title: 'Entity',
      highlight: true,
      render: row => <EntityNameLink entityRef={row.entityRef} />,
    },
    { title: 'Owner', render: row => shortRef(row.owner) },
    { title: 'State', render: row => <StateCell entity={row} /> },
    {
      title: 'What to change',
      cellStyle: { minWidth: 400 },
      render: row => <WhatToChange entity={row} />,
    },
  ];
  return (
    <>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        mb={1}
        style={{ gap: 16 }}
      >
        <TextField
          select
          id="paved-road-campaign-state"
          label="State"
          value={filter.state ?? 'all'}
          onChange={e => onChange({ state: e.target.value })}
          variant="outlined"
          size="small"
          style={{ minWidth: 140 }}
        >
          {STATE_OPTIONS.map(o => (
            <MenuItem key={o.value} value={o.value}>
              {o.label}
            </MenuItem>
          ))}
        </TextField>
        {filter.owner && (
          <Chip
            label={`Team: ${shortRef(filter.owner)}`}
            onDelete={() => onChange({ owner: null })}
          />
        )}
        <Box flexGrow={1} />
        <CampaignCsvButton campaignId={campaignId} filter={filter} />
      </Box>
      <Table<CampaignEntity>
        key={entityFilterQuery(filter)}
        title="Entities"
        options={{
          emptyRowsWhenPaging: false,
          paging: true,
          pageSize: 20,
          search: false,
          sorting: false,
          padding: 'dense',
        }}
        columns={columns}
        data={query =>
          api
            .listCampaignEntities(campaignId, {
              ...filter,
              limit: query.pageSize,
              offset: query.page * query.pageSize,
            })
            .then(page => ({
              data: page.items,
              page: query.page,
              totalCount: page.totalItems,
            }))
        }
      />
    </>
  );
}
