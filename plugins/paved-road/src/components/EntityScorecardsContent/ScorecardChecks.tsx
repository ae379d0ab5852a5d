import { InfoCard, Link, MarkdownContent } from '@backstage/core-components';
import {
  Box,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import {
  CheckResult,
  HistoryPoint,
  ScorecardCheck,
  ScorecardDefinition,
  StoredScorecardResult,
} from '@paved-road/backstage-plugin-common';
import { CheckStatusLabel } from '../shared/CheckStatusLabel';
import { LevelChip } from '../shared/LevelChip';
import { LevelTrend } from './LevelTrend';

function CheckItem(props: { check: ScorecardCheck; result?: CheckResult }) {
  const { check, result } = props;
  const status = result?.status ?? 'unknown';
  return (
    <ListItem divider alignItems="flex-start">
      <Box minWidth={100} pt={0.5}>
        <CheckStatusLabel status={status} />
      </Box>
      <ListItemText
        disableTypography
        // The theme clips dense list text to one line; descriptions must wrap.
        style={{ whiteSpace: 'normal', overflow: 'visible' }}
        primary={<Typography variant="subtitle2">{check.title}</Typography>}
        secondary={
          <>
            <Typography variant="body2" color="textSecondary" component="div">
              <MarkdownContent content={check.description} />
            </Typography>
            {result?.reason && (
              <Typography variant="body2">Why: {result.reason}</Typography>
            )}
            {status !== 'pass' && (
              <Box mt={1}>
                <MarkdownContent content={check.remediation.markdown} />
                {check.remediation.link && (
                  <Link to={check.remediation.link}>How to fix it</Link>
                )}
              </Box>
            )}
          </>
        }
      />
    </ListItem>
  );
}

/** One scorecard's checks, grouped by level, with the entity's level trend. */
export function ScorecardChecks(props: {
  scorecard?: ScorecardDefinition;
  result: StoredScorecardResult;
  history: HistoryPoint[];
}) {
  const { scorecard, result, history } = props;
  const byId = new Map(result.checks.map(c => [c.checkId, c]));
  return (
    <InfoCard
      title={scorecard?.title ?? result.scorecardId}
      subheader={scorecard?.description}
      action={<LevelChip scorecard={scorecard} level={result.level} />}
    >
      {scorecard?.levels.map(level => {
        const checks = scorecard.checks.filter(c => c.level === level.id);
        if (!checks.length) return null;
        return (
          <Box key={level.id} mb={2}>
            <Typography variant="h6" component="h3">
              {level.title} ({level.id})
            </Typography>
            <List dense disablePadding>
              {checks.map(check => (
                <CheckItem
                  key={check.id}
                  check={check}
                  result={byId.get(check.id)}
                />
              ))}
            </List>
          </Box>
        );
      })}
      {scorecard && <LevelTrend scorecard={scorecard} points={history} />}
    </InfoCard>
  );
}
