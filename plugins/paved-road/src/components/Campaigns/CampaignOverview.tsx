import { InfoCard, MarkdownContent } from '@backstage/core-components';
import { Grid, Typography } from '@material-ui/core';
import {
  Campaign,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { ReactNode } from 'react';
import { EntityNameLink } from '../shared/EntityNameLink';
import { shortRef } from '../shared/shortRef';
import { CampaignSourceChip } from './CampaignBits';
import { formatDay, goalText, scopeText } from './campaignText';

function Field(props: { label: string; children: ReactNode }) {
  return (
    <Grid item xs={12} sm={6} md={4}>
      <Typography variant="overline" color="textSecondary" component="dt">
        {props.label}
      </Typography>
      <Typography variant="body2" component="dd" style={{ margin: 0 }}>
        {props.children}
      </Typography>
    </Grid>
  );
}

/** What a campaign is about: its description, owner, goal, scope and dates. */
export function CampaignOverview(props: {
  campaign: Campaign;
  scorecards: ScorecardDefinition[];
}) {
  const { campaign, scorecards } = props;
  return (
    <InfoCard title="About">
      <MarkdownContent content={campaign.description} dialect="gfm" />
      <Grid container spacing={2} component="dl">
        <Field label="Owner">
          <EntityNameLink entityRef={campaign.owner}>
            {shortRef(campaign.owner)}
          </EntityNameLink>
        </Field>
        <Field label="Goal">{goalText(campaign.goal, scorecards)}</Field>
        <Field label="Scope">{scopeText(campaign.scope, campaign.goal)}</Field>
        <Field label="Starts">{formatDay(campaign.startsOn)}</Field>
        <Field label="Deadline">{formatDay(campaign.deadline)}</Field>
        <Field label="Source">
          <CampaignSourceChip campaign={campaign} />
        </Field>
      </Grid>
    </InfoCard>
  );
}
