import {
  Content,
  ContentHeader,
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Grid, Typography } from '@material-ui/core';
import { ReactNode, useRef } from 'react';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { pavedRoadApiRef } from '../../api';
import { BurnUpChart } from './BurnUpChart';
import { CampaignEditLog } from './CampaignEditLog';
import { CampaignEntitiesTable } from './CampaignEntitiesTable';
import { CampaignKpis } from './CampaignKpis';
import { CampaignOverview } from './CampaignOverview';
import { CampaignTeamsTable } from './CampaignTeamsTable';
import { useScorecardDefinitions } from './useCampaigns';
import { useCampaignPath } from './useCampaignPath';
import { useEntityFilter } from './useEntityFilter';

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
 * One campaign: what it asks, its figures, burn-up, teams and the entities still to
 * do with what to change, and for campaigns from the API their edit log.
 */
export function CampaignPage(props: { campaignId: string }) {
  const { campaignId } = props;
  const api = useApi(pavedRoadApiRef);
  const campaignPath = useCampaignPath();
  const scorecards = useScorecardDefinitions();
  const [filter, setFilter] = useEntityFilter();
  const entitiesRef = useRef<HTMLDivElement>(null);
  const campaign = useAsync(
    () => api.getCampaign(campaignId),
    [api, campaignId],
  );
  const progress = useAsync(
    () => api.getCampaignProgress(campaignId),
    [api, campaignId],
  );

  const back = campaignPath && <Link to={campaignPath()}>All campaigns</Link>;
  if (campaign.loading) return <Progress />;
  if (campaign.error || !campaign.value) {
    return (
      <Content>
        {back}
        <ResponseErrorPanel error={campaign.error ?? new Error('Not found')} />
      </Content>
    );
  }
  const value = campaign.value;
  const computed = progress.value?.computedAt ? progress.value : undefined;

  let figures;
  if (progress.loading) {
    figures = <Progress />;
  } else if (progress.error) {
    figures = <ResponseErrorPanel error={progress.error} />;
  } else if (!computed) {
    figures = (
      <EmptyState
        missing="data"
        title="Progress not computed yet"
        description="Progress appears after the next scheduled evaluation."
      />
    );
  } else {
    figures = (
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <CampaignKpis progress={computed} />
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Burn-up">
            <BurnUpChart
              days={computed.days}
              startsOn={value.startsOn}
              deadline={value.deadline}
            />
          </InfoCard>
        </Grid>
      </Grid>
    );
  }

  return (
    <Content>
      {back}
      <ContentHeader title={value.title} />
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <CampaignOverview campaign={value} scorecards={scorecards} />
        </Grid>
        <Section title="Progress">{figures}</Section>
        {computed && (
          <Section title="Teams">
            <CampaignTeamsTable
              teams={computed.teams}
              onSelect={owner => {
                setFilter({ owner });
                entitiesRef.current?.scrollIntoView?.({ behavior: 'smooth' });
              }}
            />
          </Section>
        )}
        <Section title="Entities">
          <div ref={entitiesRef} />
          <CampaignEntitiesTable
            campaignId={campaignId}
            filter={filter}
            onChange={setFilter}
          />
        </Section>
        {value.source === 'api' && (
          <Section title="Edit log">
            <CampaignEditLog campaignId={campaignId} />
          </Section>
        )}
      </Grid>
    </Content>
  );
}

/** {@link CampaignPage} for the `campaigns/:id` route. */
export function CampaignRoute() {
  const { id } = useParams();
  return <CampaignPage campaignId={id ?? ''} />;
}
