import { Box, Typography } from '@material-ui/core';
import { useTheme } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CancelIcon from '@material-ui/icons/Cancel';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import { CheckStatus } from '@paved-road/backstage-plugin-common';

const LABELS: Record<CheckStatus, string> = {
  pass: 'Pass',
  fail: 'Fail',
  unknown: 'Unknown',
  exempt: 'Exempt',
};

/** A check's status as an icon and a word, so it never relies on colour alone. */
export function CheckStatusLabel(props: { status: CheckStatus }) {
  const theme = useTheme();
  const { status } = props;
  const color = {
    pass: theme.palette.success.main,
    fail: theme.palette.error.main,
    unknown: theme.palette.text.secondary,
    exempt: theme.palette.info.main,
  }[status];
  const Icon = {
    pass: CheckCircleIcon,
    fail: CancelIcon,
    unknown: HelpOutlineIcon,
    exempt: RemoveCircleOutlineIcon,
  }[status];
  return (
    <Box display="inline-flex" alignItems="center" style={{ color }}>
      <Icon fontSize="small" aria-hidden />
      <Typography variant="body2" component="span" style={{ marginLeft: 4 }}>
        {LABELS[status]}
      </Typography>
    </Box>
  );
}
