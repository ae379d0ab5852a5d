import {
  Content,
  ContentHeader,
  EmptyState,
  Progress,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { Box, Grid, Typography } from '@material-ui/core';
import { JSX, ReactNode } from 'react';
import { GoldenPathsTable } from '../GoldenPathsContent';
import { ChecksTable } from './ChecksTable';
import { CsvExportButton } from './CsvExportButton';
import { DashboardFilterBar } from './DashboardFilterBar';
import { EntitiesTable } from './EntitiesTable';
import { KpiCards, shownScorecard } from './KpiCards';
import { PlatformToolsTable } from './PlatformToolsTable';
import { TeamsTable } from './TeamsTable';
import { UpgradesTable } from './UpgradesTable';
import { useDashboardData } from './useDashboardData';
import { useDashboardFilters } from './useDashboardFilters';

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Grid item xs={12} component="section" aria-label={props.title}>
      <Typography variant="h5" component="h2" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Grid>
  );
}

/**
 * The Paved Road adoption dashboard: headline figures with their trends, teams, golden
 * paths with their releases and upgrades, most-failed checks and entities, with filters
 * kept in the URL and a CSV export.
 *
 * @public
 */
export function PavedRoadDashboard(): JSX.Element {
  const [filters, setFilter] = useDashboardFilters();
  const { aggregates, tree, scope, history, definitions } =
    useDashboardData(filters);
  const data = aggregates.value;
  const entityFiltered = Boolean(
    filters.kind || filters.type || filters.lifecycle,
  );
  // The headline levels and the teams' levels show the same scorecard.
  const scorecardId = scope
    ? shownScorecard(scope, filters.scorecard)
    : filters.scorecard;

  let body;
  if (aggregates.loading) {
    body = <Progress />;
  } else if (aggregates.error) {
    body = <ResponseErrorPanel error={aggregates.error} />;
  } else if (data?.evaluatedAt && !data.org.entities && entityFiltered) {
    body = (
      <EmptyState
        missing="data"
        title="No entities match these filters"
        description="No evaluated entity has this kind, type and lifecycle. Change or clear those filters."
      />
    );
  } else if (!data || !data.evaluatedAt || !data.org.entities) {
    body = (
      <EmptyState
        missing="data"
        title="No scorecard results yet"
        description="Results appear after the first scheduled evaluation of the catalog."
      />
    );
  } else {
    body = (
      <Grid container spacing={3}>
        <Section title="Headline figures">
          {scope ? (
            <KpiCards
              scope={scope}
              history={history.value?.items ?? []}
              totals={history.value?.totals}
              scorecardId={scorecardId}
              definitions={definitions.value}
            />
          ) : (
            <EmptyState
              missing="data"
              title="No results for this owner or system"
              description="Choose another owner or system, or clear the filters."
            />
          )}
          {entityFiltered && scope && (
            <Typography variant="body2" color="textSecondary">
              The figures count only entities of the chosen kind, type and
              lifecycle; their trends are daily snapshots of the whole{' '}
              {scope.scope === 'org' ? 'organisation' : scope.scope}.
            </Typography>
          )}
          {history.error && (
            <Typography variant="body2" color="error">
              Trends unavailable: {history.error.message}
            </Typography>
          )}
        </Section>
        <Section title="Teams">
          <TeamsTable
            groups={data.groups}
            parents={tree.value ?? new Map()}
            scorecardId={scorecardId}
            definitions={definitions.value}
            onSelect={ref => setFilter('owner', ref)}
          />
        </Section>
        <Section title="Templates">
          <GoldenPathsTable scope={scope} />
          <Box mt={2}>
            <UpgradesTable />
          </Box>
          <Box mt={2}>
            <PlatformToolsTable filters={filters} />
          </Box>
        </Section>
        {scope && (
          <Section title="Checks">
            <ChecksTable
              scope={scope}
              groups={data.groups}
              parents={tree.value ?? new Map()}
              scorecardId={filters.scorecard}
            />
          </Section>
        )}
        <Section title="Entities">
          <EntitiesTable filters={filters} />
        </Section>
      </Grid>
    );
  }

  return (
    <Content>
      <ContentHeader title="Adoption">
        <Box display="flex" alignItems="center">
          <CsvExportButton filters={filters} />
          <SupportButton>
            Golden-path adoption and scorecard levels across the organisation.
            Filters are kept in the link, so a view can be shared.
          </SupportButton>
        </Box>
      </ContentHeader>
      <DashboardFilterBar
        filters={filters}
        onChange={setFilter}
        owners={data?.groups.map(g => g.ref) ?? []}
        systems={data?.systems.map(s => s.ref) ?? []}
        scorecards={Object.keys(data?.org.scorecards ?? {})}
      />
      {data?.evaluatedAt && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Evaluated {new Date(data.evaluatedAt).toLocaleString()}
        </Typography>
      )}
      {body}
    </Content>
  );
}
