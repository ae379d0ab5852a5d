import { InfoCard } from '@backstage/core-components';
import { Grid, Typography } from '@material-ui/core';
import { CampaignProgress } from '@paved-road/backstage-plugin-common';
import { DaysLeft } from './CampaignBits';
import { percent } from './campaignText';

function Kpi(props: {
  title: string;
  value: string | number;
  caption?: string;
}) {
  return (
    <Grid item xs={6} sm={4} md={3} lg>
      <InfoCard title={props.title} variant="gridItem">
        <Typography variant="h4" component="p">
          {props.value}
        </Typography>
        {props.caption && (
          <Typography variant="caption" color="textSecondary">
            {props.caption}
          </Typography>
        )}
      </InfoCard>
    </Grid>
  );
}

/** A campaign's headline figures, as the last evaluation pass computed them. */
export function CampaignKpis(props: { progress: CampaignProgress }) {
  const { progress } = props;
  return (
    <Grid container spacing={2}>
      <Kpi
        title="Entities"
        value={progress.entities}
        caption={`${percent(progress.complete)} complete`}
      />
      <Kpi title="Done" value={progress.done} />
      <Kpi
        title="Exempt"
        value={progress.exempt}
        caption="done thanks to exemptions"
      />
      <Kpi title="To do" value={progress.todo} />
      <Grid item xs={6} sm={4} md={3} lg>
        <InfoCard title="Overdue" variant="gridItem">
          <Typography variant="h4" component="p">
            {progress.overdue}
          </Typography>
          <DaysLeft daysLeft={progress.daysLeft} todo={progress.todo} />
        </InfoCard>
      </Grid>
      <Kpi
        title="Regressed"
        value={progress.regressed}
        caption="done once, to do again"
      />
      <Kpi
        title="Median time"
        value={progress.medianDaysToComplete ?? '–'}
        caption={
          progress.medianDaysToComplete === null
            ? 'none completed yet'
            : 'days to complete'
        }
      />
    </Grid>
  );
}
