import {
  Box,
  Chip,
  LinearProgress,
  Tooltip,
  Typography,
} from '@material-ui/core';
import { useTheme } from '@material-ui/core/styles';
import WarningIcon from '@material-ui/icons/Warning';
import { Campaign, CampaignCounts } from '@paved-road/backstage-plugin-common';
import { daysLeftText } from './campaignText';

/** "n of m done" with a bar: done and exempt over the entities in scope. */
export function CampaignProgressBar(props: { counts: CampaignCounts }) {
  const { entities, done, exempt } = props.counts;
  const finished = done + exempt;
  const value = entities ? (finished / entities) * 100 : 100;
  return (
    <Box minWidth={140}>
      <LinearProgress
        variant="determinate"
        value={value}
        aria-label={`${finished} of ${entities} done`}
      />
      <Typography variant="caption" color="textSecondary">
        {finished} of {entities} done
      </Typography>
    </Box>
  );
}

/** The days to the deadline; a warning once entities are overdue. */
export function DaysLeft(props: { daysLeft: number; todo: number }) {
  const theme = useTheme();
  const { text, overdue } = daysLeftText(props.daysLeft, props.todo);
  if (!overdue) return <Typography variant="body2">{text}</Typography>;
  return (
    <Box
      display="flex"
      alignItems="center"
      style={{ color: theme.palette.warning.dark }}
    >
      <WarningIcon fontSize="small" aria-hidden />
      <Typography variant="body2" style={{ marginLeft: 4 }}>
        {text}
      </Typography>
    </Box>
  );
}

/** Where a campaign comes from: a "config" chip naming its config key, or "API". */
export function CampaignSourceChip(props: { campaign: Campaign }) {
  const { campaign } = props;
  if (campaign.source !== 'config') {
    return <Chip size="small" variant="outlined" label="API" />;
  }
  return (
    <Tooltip
      title={`Declared in configuration at ${
        campaign.declaredAt ?? 'pavedRoad.campaigns'
      }; read-only`}
    >
      <Chip size="small" label="config" />
    </Tooltip>
  );
}
