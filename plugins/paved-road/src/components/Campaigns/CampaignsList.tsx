import {
  Content,
  ContentHeader,
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  SupportButton,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import { shortRef } from '../shared/shortRef';
import {
  CampaignProgressBar,
  CampaignSourceChip,
  DaysLeft,
} from './CampaignBits';
import { formatDay, goalText } from './campaignText';
import {
  CampaignWithProgress,
  useCampaigns,
  useScorecardDefinitions,
} from './useCampaigns';
import { useCampaignPath } from './useCampaignPath';

function ProgressCell(props: { row: CampaignWithProgress }) {
  const { progress, progressError } = props.row;
  if (progressError) {
    return (
      <Typography variant="body2" color="error">
        Progress unavailable: {progressError.message}
      </Typography>
    );
  }
  if (!progress?.computedAt) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not computed yet
      </Typography>
    );
  }
  return <CampaignProgressBar counts={progress} />;
}

/**
 * Every campaign, from the API and from configuration, with its goal, progress and
 * time to its deadline; for the Paved Road page's Campaigns tab.
 */
export function CampaignsList() {
  const campaigns = useCampaigns();
  const scorecards = useScorecardDefinitions();
  const campaignPath = useCampaignPath();

  const columns: TableColumn<CampaignWithProgress>[] = [
    {
      title: 'Campaign',
      highlight: true,
      render: ({ campaign }) =>
        campaignPath ? (
          <Link to={campaignPath(campaign.id)}>{campaign.title}</Link>
        ) : (
          campaign.title
        ),
    },
    { title: 'Owner', render: ({ campaign }) => shortRef(campaign.owner) },
    {
      title: 'Goal',
      render: ({ campaign }) => goalText(campaign.goal, scorecards),
    },
    { title: 'Progress', render: row => <ProgressCell row={row} /> },
    {
      title: 'Deadline',
      render: ({ campaign, progress }) => (
        <>
          <Typography variant="body2">
            {formatDay(campaign.deadline)}
          </Typography>
          {progress && (
            <DaysLeft daysLeft={progress.daysLeft} todo={progress.todo} />
          )}
        </>
      ),
    },
    {
      title: 'Source',
      render: ({ campaign }) => <CampaignSourceChip campaign={campaign} />,
    },
  ];

  let body;
  if (campaigns.loading) {
    body = <Progress />;
  } else if (campaigns.error) {
    body = <ResponseErrorPanel error={campaigns.error} />;
  } else if (!campaigns.value?.length) {
    body = (
      <EmptyState
        missing="data"
        title="No campaigns yet"
        description="Declare campaigns under pavedRoad.campaigns in the configuration, or create them through the API."
      />
    );
  } else {
    body = (
      <Table<CampaignWithProgress>
        title={`Campaigns (${campaigns.value.length})`}
        options={{
          paging: false,
          search: false,
          padding: 'dense',
          sorting: false,
        }}
        columns={columns}
        data={campaigns.value}
      />
    );
  }

  return (
    <Content>
      <ContentHeader title="Campaigns">
        <SupportButton>
          A campaign moves adoption: every entity in its scope should meet its
          goal by its deadline. Progress is computed after each evaluation.
        </SupportButton>
      </ContentHeader>
      {body}
    </Content>
  );
}
