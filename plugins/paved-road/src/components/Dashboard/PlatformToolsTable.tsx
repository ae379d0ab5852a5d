import { Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityResultRow } from '@paved-road/backstage-plugin-common';
import { pavedRoadApiRef } from '../../api';
import { CheckStatusLabel } from '../shared/CheckStatusLabel';
import { DashboardFilters } from './useDashboardFilters';
import { EntityNameLink } from '../shared/EntityNameLink';
import { shortRef } from '../shared/shortRef';

/** The scorecard that holds the wrapper test's checks. */
export const PLATFORM_ASSET_SCORECARD = 'platform-asset';

/** The wrapper test's three questions, as checks of the platform-asset scorecard. */
const WRAPPER_TEST_CHECKS = [
  { id: 'implementation-time', title: 'Saves implementation time' },
  { id: 'developer-experience', title: 'Better developer experience' },
  { id: 'operational-benefit', title: 'Operational benefit' },
];

/**
 * Platform tools with their wrapper-test results and level, paged by the backend, among
 * the entities the dashboard's filters select.
 */
export function PlatformToolsTable(props: { filters: DashboardFilters }) {
  const api = useApi(pavedRoadApiRef);
  const { owner, system, kind, type, lifecycle } = props.filters;
  const columns: TableColumn<EntityResultRow>[] = [
    {
      title: 'Platform tool',
      highlight: true,
      render: row => <EntityNameLink entityRef={row.entityRef} />,
    },
    ...WRAPPER_TEST_CHECKS.map(
      (check): TableColumn<EntityResultRow> => ({
        title: check.title,
        render: row => {
          const result = row.checks.find(c => c.checkId === check.id);
          return result ? <CheckStatusLabel status={result.status} /> : '–';
        },
      }),
    ),
    { title: 'Level', render: row => row.level ?? 'none' },
    { title: 'Owner', field: 'owner', render: row => shortRef(row.owner) },
  ];
  return (
    <Table<EntityResultRow>
      key={[owner, system, kind, type, lifecycle].join('|')}
      title="Platform tools"
      options={{
        emptyRowsWhenPaging: false,
        paging: true,
        pageSize: 10,
        search: false,
        sorting: false,
        padding: 'dense',
      }}
      columns={columns}
      emptyContent={
        <div style={{ padding: 16 }}>No platform tools have results yet.</div>
      }
      data={query =>
        api
          .listResults({
            scorecard: PLATFORM_ASSET_SCORECARD,
            owner,
            system,
            kind,
            type,
            lifecycle,
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
