import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { ScopeAggregate } from '@paved-road/backstage-plugin-common';
import useAsync from 'react-use/esm/useAsync';
import { pavedRoadApiRef } from '../../api';
import { DashboardFilters } from './useDashboardFilters';

/**
 * The dashboard's server-side aggregates (narrowed by the kind, type and lifecycle
 * filters), the group tree (one catalog request) and the history of the scope the
 * filters select. Never one request per entity or group.
 */
export function useDashboardData(filters: DashboardFilters) {
  const api = useApi(pavedRoadApiRef);
  const catalogApi = useApi(catalogApiRef);

  // Kind, type and lifecycle narrow every aggregate on the server (one request);
  // owner and system pick a scope out of the answer.
  const { kind, type, lifecycle } = filters;
  const aggregates = useAsync(
    () =>
      kind || type || lifecycle
        ? api.getAggregates({ kind, type, lifecycle })
        : api.getAggregates(),
    [api, kind, type, lifecycle],
  );
  // The definitions give the levels' ladder order (one request, revalidated by ETag).
  const definitions = useAsync(
    async () => (await api.listScorecards()).scorecards,
    [api],
  );
  const tree = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.parent'],
    });
    const parents = new Map<string, string>();
    for (const group of items) {
      const parent = (group.spec as { parent?: string } | undefined)?.parent;
      if (parent) {
        parents.set(
          stringifyEntityRef(group),
          stringifyEntityRef(
            parseEntityRef(parent, {
              defaultKind: 'group',
              defaultNamespace: group.metadata.namespace ?? 'default',
            }),
          ),
        );
      }
    }
    return parents;
  }, [catalogApi]);

  let scope: ScopeAggregate | undefined = aggregates.value?.org;
  if (aggregates.value && filters.owner) {
    scope = aggregates.value.groups.find(g => g.ref === filters.owner);
  } else if (aggregates.value && filters.system) {
    scope = aggregates.value.systems.find(s => s.ref === filters.system);
  }
  const scopeRef = scope?.ref;
  const history = useAsync(
    async () => (scopeRef ? api.getHistory({ ref: scopeRef }) : undefined),
    [api, scopeRef],
  );

  return { aggregates, tree, scope, history, definitions };
}
