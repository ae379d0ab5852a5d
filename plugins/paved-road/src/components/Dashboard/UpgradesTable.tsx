import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  GOLDEN_PATH_TAG,
  PAVED_ROAD_ANNOTATIONS,
  TemplateRelease,
  UpgradeTemplateSummary,
  parseVersion,
} from '@paved-road/backstage-plugin-common';
import { Typography } from '@material-ui/core';
import { JSX } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { EntityNameLink } from '../shared/EntityNameLink';
import { pavedRoadApiRef } from '../../api';

const DAY_MS = 86_400_000;

/** One row of the upgrades table: a golden-path template. */
export interface UpgradeRow {
  id: string;
  name: string;
  namespace: string;
  title: string;
  /** The template's latest version, as the catalog annotates it now. */
  latest?: string;
  /** The tracked release of that version, once an evaluation pass saw it. */
  release?: TemplateRelease;
  open: number;
  merged: number;
  conflicted: number;
  lastRunAt?: string;
}

const daysText = (days: number) => (days === 1 ? '1 day' : `${days} days`);

/**
 * How long a release took to reach most of its template's services: `under a day`,
 * `1 day`, `3 days`; `within 40 days` when most services were already on it the first time
 * the backend saw it (installed after the release), so only an upper bound is known;
 * `not yet (5 days so far)` before it has.
 */
export function timeToMost(release: TemplateRelease, now = Date.now()): string {
  const released = Date.parse(release.releasedAt);
  if (!release.majorityAt) {
    const sofar = Math.floor((now - released) / DAY_MS);
    return sofar < 1 ? 'not yet' : `not yet (${daysText(sofar)} so far)`;
  }
  const reached = Date.parse(release.majorityAt);
  const days = Math.floor((reached - released) / DAY_MS);
  const firstSeen = Date.parse(release.firstSeenAt);
  if (reached === firstSeen && days >= 1) return `within ${daysText(days)}`;
  if (days < 1) return 'under a day';
  return daysText(days);
}

/** The UTC day of an ISO 8601 time, with the full local time as a tooltip. */
function Day(props: { iso?: string }) {
  if (!props.iso) return <>–</>;
  return (
    <span title={new Date(props.iso).toLocaleString()}>
      {props.iso.slice(0, 10)}
    </span>
  );
}

/** The backend's own message of a failed request (a ResponseError's body), or the error's. */
const messageOf = (error: Error) =>
  (error as { body?: { error?: { message?: string } } }).body?.error?.message ??
  error.message;

const normalised = (version: string | undefined) => {
  if (!version) return undefined;
  try {
    return parseVersion(version).version;
  } catch {
    return undefined;
  }
};

/**
 * Per golden-path template: its latest release, when it was released and how many of
 * its services are on it, how long the release took to reach most of them, and its
 * upgrade requests open, merged and conflicted with the last upgrade run. Releases are
 * organisation-wide (`GET /template-releases`); upgrade requests count the services the
 * user may read (`GET /upgrades/summary`).
 */
export function UpgradesTable(): JSX.Element {
  const catalogApi = useApi(catalogApiRef);
  const pavedRoadApi = useApi(pavedRoadApiRef);

  const { value, loading, error } = useAsync(async () => {
    const [templates, summary, releases] = await Promise.all([
      catalogApi.getEntities({
        filter: { kind: 'Template', 'metadata.tags': GOLDEN_PATH_TAG },
      }),
      pavedRoadApi.getUpgradeSummary(),
      // Refused to users who may not read every entity: the rest of the table stays.
      pavedRoadApi.listTemplateReleases().then(
        r => ({ items: r.items, error: undefined }),
        (e: Error) => ({ items: [] as TemplateRelease[], error: e }),
      ),
    ]);
    const upgrades = new Map<string, UpgradeTemplateSummary>(
      summary.items.map(s => [s.templateRef, s]),
    );
    const rows = templates.items
      .map((entity): UpgradeRow => {
        const ref = stringifyEntityRef(entity);
        const latest =
          entity.metadata.annotations?.[PAVED_ROAD_ANNOTATIONS.templateVersion];
        const version = normalised(latest);
        const counts = upgrades.get(ref);
        return {
          id: ref,
          name: entity.metadata.name,
          namespace: entity.metadata.namespace ?? 'default',
          title: entity.metadata.title ?? entity.metadata.name,
          latest: version ?? latest,
          release: releases.items.find(
            r => r.templateRef === ref && r.version === version,
          ),
          open: counts?.open ?? 0,
          merged: counts?.merged ?? 0,
          conflicted: counts?.conflicted ?? 0,
          lastRunAt: counts?.lastRunAt,
        };
      })
      .sort((a, b) => a.title.localeCompare(b.title));
    return { rows, releasesError: releases.error };
  }, [catalogApi, pavedRoadApi]);

  const columns: TableColumn<UpgradeRow>[] = [
    {
      title: 'Golden path',
      field: 'title',
      highlight: true,
      render: row => (
        <EntityNameLink entityRef={row.id}>{row.title}</EntityNameLink>
      ),
    },
    { title: 'Latest release', field: 'latest' },
    {
      title: 'Released',
      render: row => <Day iso={row.release?.releasedAt} />,
    },
    {
      title: 'On it',
      render: row =>
        row.release
          ? `${row.release.onVersion} of ${row.release.entities} services`
          : '–',
    },
    {
      title: 'Release to most services',
      render: row => (row.release ? timeToMost(row.release) : '–'),
    },
    { title: 'Upgrades open', field: 'open', type: 'numeric' },
    { title: 'Merged', field: 'merged', type: 'numeric' },
    { title: 'Conflicted', field: 'conflicted', type: 'numeric' },
    { title: 'Last upgrade run', render: row => <Day iso={row.lastRunAt} /> },
  ];

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.rows.length) {
    return (
      <EmptyState
        missing="data"
        title="No golden paths to upgrade yet"
        description={`Tag a Template with '${GOLDEN_PATH_TAG}' and give it a '${PAVED_ROAD_ANNOTATIONS.templateVersion}' annotation to follow its releases here.`}
      />
    );
  }
  return (
    <>
      <Table<UpgradeRow>
        title={`Template upgrades (${value.rows.length})`}
        options={{
          emptyRowsWhenPaging: false,
          paging: true,
          pageSize: 10,
          search: false,
          padding: 'dense',
        }}
        columns={columns}
        data={value.rows}
      />
      <Typography variant="body2" color="textSecondary">
        A release counts from the template&apos;s{' '}
        {PAVED_ROAD_ANNOTATIONS.releasedAt} annotation, or from when an
        evaluation first saw it in the catalog; most services means more than
        half of the template&apos;s golden-path services on it or later. Upgrade
        requests count the services you may see.
      </Typography>
      {value.releasesError && (
        <Typography variant="body2" color="error">
          Release figures unavailable: {messageOf(value.releasesError)}
        </Typography>
      )}
    </>
  );
}
