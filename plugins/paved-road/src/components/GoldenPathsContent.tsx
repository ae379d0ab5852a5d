import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  Content,
  ContentHeader,
  EmptyState,
  Progress,
  ResponseErrorPanel,
  SupportButton,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  GOLDEN_PATH_TAG,
  PAVED_ROAD_ANNOTATIONS,
  ScopeAggregate,
  durationToHours,
  templateDrift,
} from '@paved-road/backstage-plugin-common';
import { JSX } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { EntityNameLink } from './shared/EntityNameLink';
import { pavedRoadApiRef } from '../api';
import { shortRef } from './shared/shortRef';

/** One row of the golden-path table. */
export interface GoldenPathRow {
  id: string;
  name: string;
  namespace: string;
  title: string;
  description?: string;
  version?: string;
  hoursPerRun?: number;
  owner?: string;
  /** Runs recorded by `paved-road:adoption:record`. */
  scaffolds: number;
  hoursSaved: number;
  versionsInUse: string;
  /** Scaffolds (or, with a scope, entities) on a version older than the current one. */
  behind: number;
  /** With a scope: its golden-path entities scaffolded from the template. */
  entities?: number;
  /** With a scope: those entities per drift status. */
  drift?: string;
}

function hoursOf(value: string | undefined): number | undefined {
  if (!value) return undefined;
  try {
    return durationToHours(value);
  } catch {
    return undefined;
  }
}

function isBehind(inUse: string, latest: string | undefined): boolean {
  if (!latest) return false;
  try {
    const status = templateDrift(inUse, latest).status;
    return status !== 'current' && status !== 'ahead';
  } catch {
    return false;
  }
}

const DRIFT_ORDER = ['current', 'ahead', 'minor', 'major', 'unknown'];

/** The scope's golden-path entities from one template, as table cells. */
function inScope(scope: ScopeAggregate, templateRef: string) {
  const found = scope.templates?.[templateRef];
  const drift = found?.drift ?? {};
  return {
    entities: found?.entities ?? 0,
    hoursSaved: Math.round(found?.hoursSaved ?? 0),
    behind: (drift.minor ?? 0) + (drift.major ?? 0),
    drift: Object.entries(drift)
      .sort(
        ([a], [b]) =>
          (DRIFT_ORDER.indexOf(a) + 1 || 99) -
          (DRIFT_ORDER.indexOf(b) + 1 || 99),
      )
      .map(([status, n]) => `${status} ${n}`)
      .join(', '),
  };
}

/**
 * Golden-path templates in the catalog with their version, the time one run saves, how
 * often they have been used and how many uses are on older versions. With `scope` (an
 * aggregate of the Paved Road backend, e.g. the dashboard's filtered organisation, team
 * or system), entities, drift and hours saved are the scope's golden-path entities per
 * template, so they follow the filters that produced the scope.
 *
 * @public
 */
export function GoldenPathsTable(
  props: { scope?: ScopeAggregate } = {},
): JSX.Element {
  const { scope } = props;
  const catalogApi = useApi(catalogApiRef);
  const pavedRoadApi = useApi(pavedRoadApiRef);

  const { value, loading, error } = useAsync(async () => {
    const [templates, adoption] = await Promise.all([
      catalogApi.getEntities({
        filter: { kind: 'Template', 'metadata.tags': GOLDEN_PATH_TAG },
      }),
      pavedRoadApi.getTemplateAdoption(),
    ]);
    const byRef = new Map(adoption.items.map(a => [a.templateRef, a]));
    return templates.items
      .map((entity): GoldenPathRow => {
        const ref = stringifyEntityRef(entity);
        const annotations = entity.metadata.annotations ?? {};
        const used = byRef.get(ref);
        return {
          id: ref,
          name: entity.metadata.name,
          namespace: entity.metadata.namespace ?? 'default',
          title: entity.metadata.title ?? entity.metadata.name,
          description: entity.metadata.description,
          version: annotations[PAVED_ROAD_ANNOTATIONS.templateVersion],
          hoursPerRun: hoursOf(annotations[PAVED_ROAD_ANNOTATIONS.timeSaved]),
          owner: (entity.spec as { owner?: string } | undefined)?.owner,
          scaffolds: used?.scaffolds ?? 0,
          hoursSaved: used?.hoursSaved ?? 0,
          behind: used
            ? Object.entries(used.versions)
                .filter(([v]) =>
                  isBehind(
                    v,
                    annotations[PAVED_ROAD_ANNOTATIONS.templateVersion],
                  ),
                )
                .reduce((sum, [, n]) => sum + n, 0)
            : 0,
          versionsInUse: used
            ? Object.entries(used.versions)
                .map(([v, n]) => `${v} (${n})`)
                .join(', ')
            : '',
        };
      })
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi, pavedRoadApi]);
  const rows = scope
    ? value?.map(row => ({ ...row, ...inScope(scope, row.id) }))
    : value;

  const columns: TableColumn<GoldenPathRow>[] = [
    {
      title: 'Golden path',
      field: 'title',
      highlight: true,
      render: row => (
        <EntityNameLink entityRef={row.id} title={row.description}>
          {row.title}
        </EntityNameLink>
      ),
    },
    { title: 'Version', field: 'version' },
    {
      title: 'Hours saved per run',
      field: 'hoursPerRun',
      type: 'numeric',
    },
    ...(scope
      ? [
          { title: 'Entities', field: 'entities', type: 'numeric' as const },
          { title: 'Template versions (drift)', field: 'drift' },
          {
            title: 'On older versions',
            field: 'behind',
            type: 'numeric' as const,
          },
          {
            title: 'Hours saved',
            field: 'hoursSaved',
            type: 'numeric' as const,
          },
          {
            title: 'Runs recorded',
            field: 'scaffolds',
            type: 'numeric' as const,
          },
        ]
      : [
          { title: 'Scaffolds', field: 'scaffolds', type: 'numeric' as const },
          {
            title: 'Hours saved',
            field: 'hoursSaved',
            type: 'numeric' as const,
          },
          { title: 'Versions in use', field: 'versionsInUse' },
          {
            title: 'On older versions',
            field: 'behind',
            type: 'numeric' as const,
          },
        ]),
    { title: 'Owner', field: 'owner', render: row => shortRef(row.owner) },
  ];

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!rows?.length) {
    body = (
      <EmptyState
        missing="data"
        title="No golden paths yet"
        description={`Tag a Template with '${GOLDEN_PATH_TAG}' and give it a '${PAVED_ROAD_ANNOTATIONS.templateVersion}' annotation to list it here.`}
      />
    );
  } else {
    body = (
      <Table<GoldenPathRow>
        title={`Golden paths (${rows.length})`}
        options={{
          emptyRowsWhenPaging: false,
          paging: true,
          pageSize: 10,
          search: false,
          padding: 'dense',
        }}
        columns={columns}
        data={rows}
      />
    );
  }

  return body;
}

/**
 * Golden-path templates in the catalog with their version, the time one run saves, and
 * how often they have been used (from the Paved Road backend's scaffold events).
 *
 * @public
 */
export function GoldenPathsContent(): JSX.Element {
  return (
    <Content>
      <ContentHeader title="Golden paths">
        <SupportButton>
          Golden-path templates produce services that are production-ready on
          day one.
        </SupportButton>
      </ContentHeader>
      <GoldenPathsTable />
    </Content>
  );
}
