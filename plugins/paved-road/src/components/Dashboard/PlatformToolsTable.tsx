import { parseEntityRef } from '@backstage/catalog-model';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { EntityResultRow } from '@paved-road/backstage-plugin-common';
import { pavedRoadApiRef } from '../../api';
import { CheckStatusLabel } from '../shared/CheckStatusLabel';
import { DashboardFilters } from './useDashboardFilters';
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
  const entityRoute = useRouteRef(entityRouteRef);
  const { owner, system, kind, type, lifecycle } = props.filters;
  const columns: TableColumn<EntityResultRow>[] = [
    {
      title: 'Platform tool',
      highlight: true,
      render: row => {
        const ref = parseEntityRef(row.entityRef);
        return (
          <Link
            to={entityRoute({
              kind: ref.kind,
              namespace: ref.namespace,
              name: ref.name,
            })}
          >
            {ref.name}
          </Link>
        );
      },
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
