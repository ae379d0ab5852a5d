import { InfoCard, Link } from '@backstage/core-components';
import {
  Box,
  Chip,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { Campaign, CampaignEntity } from '@paved-road/backstage-plugin-common';
import { DaysLeft } from './CampaignBits';
import { daysUntil, formatDay } from './campaignText';
import { TodoList } from './TodoList';
import { useCampaignPath } from './useCampaignPath';
import { useEntityCampaigns } from './useEntityCampaigns';

const STATES: Record<CampaignEntity['state'], string> = {
  todo: 'To do',
  done: 'Done',
  exempt: 'Exempt',
};

function EntityCampaign(props: { campaign: Campaign; entity: CampaignEntity }) {
  const { campaign, entity } = props;
  const campaignPath = useCampaignPath();
  const todo = entity.state === 'todo';
  return (
    <ListItem disableGutters alignItems="flex-start" divider>
      <ListItemText
        disableTypography
        // The entity page's theme keeps list items on one line; remediation wraps.
        style={{ whiteSpace: 'normal' }}
        primary={
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Typography variant="subtitle1" component="h3">
              {campaignPath ? (
                <Link to={campaignPath(campaign.id)}>{campaign.title}</Link>
              ) : (
                campaign.title
              )}
            </Typography>
            <Chip
              size="small"
              color={todo ? 'default' : 'primary'}
              label={entity.overdue ? 'To do, overdue' : STATES[entity.state]}
            />
          </Box>
        }
        secondary={
          <>
            <Box display="flex" alignItems="center" style={{ gap: 8 }}>
              <Typography variant="body2" color="textSecondary">
                Deadline {formatDay(campaign.deadline)} ·
              </Typography>
              <DaysLeft
                daysLeft={daysUntil(campaign.deadline)}
                todo={todo ? 1 : 0}
              />
            </Box>
            {todo && <TodoList todo={entity.todo} />}
          </>
        }
      />
    </ListItem>
  );
}

/**
 * The campaigns that include the entity, with its state in each and, while to do,
 * what it still has to change. Renders nothing when it is in no campaign.
 */
export function EntityCampaigns() {
  const campaigns = useEntityCampaigns();
  if (campaigns.error) {
    return (
      <Typography variant="body2" color="error">
        Campaigns unavailable: {campaigns.error.message}
      </Typography>
    );
  }
  if (!campaigns.value?.length) return null;
  return (
    <Box mb={3} component="section" aria-label="Campaigns">
      <InfoCard title={`Campaigns (${campaigns.value.length})`}>
        <List dense disablePadding>
          {campaigns.value.map(({ campaign, entity }) => (
            <EntityCampaign
              key={campaign.id}
              campaign={campaign}
              entity={entity}
            />
          ))}
        </List>
      </InfoCard>
    </Box>
  );
}
