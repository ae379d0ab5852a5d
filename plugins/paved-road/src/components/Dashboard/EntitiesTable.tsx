import { Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityResultRow } from '@paved-road/backstage-plugin-common';
import { pavedRoadApiRef } from '../../api';
import { DashboardFilters, filtersToQuery } from './useDashboardFilters';
import { EntityNameLink } from '../shared/EntityNameLink';
import { shortRef } from '../shared/shortRef';

/** Entities with their level per scorecard, paged by the backend. */
export function EntitiesTable(props: { filters: DashboardFilters }) {
  const api = useApi(pavedRoadApiRef);
  const columns: TableColumn<EntityResultRow>[] = [
    {
      title: 'Entity',
      field: 'entityRef',
      highlight: true,
      render: row => <EntityNameLink entityRef={row.entityRef} />,
    },
    { title: 'Scorecard', field: 'scorecardId' },
    { title: 'Level', render: row => row.level ?? 'none' },
    {
      title: 'Missing for next',
      render: row =>
        row.nextLevel
          ? `${row.nextLevel}: ${row.missingForNext.join(', ')}`
          : 'top level',
    },
    { title: 'Owner', field: 'owner', render: row => shortRef(row.owner) },
    {
      title: 'Evaluated',
      render: row =>
        `${new Date(row.evaluatedAt).toLocaleString()}${
          row.stale ? ' (stale)' : ''
        }`,
    },
  ];
  return (
    <Table<EntityResultRow>
      key={filtersToQuery(props.filters)}
      title="Entities"
      options={{
        emptyRowsWhenPaging: false,
        paging: true,
        pageSize: 20,
        search: false,
        padding: 'dense',
        sorting: false,
      }}
      columns={columns}
      data={query =>
        api
          .listResults({
            ...props.filters,
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
  );
}
