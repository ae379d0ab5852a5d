import {
  Content,
  ContentHeader,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Grid, Typography } from '@material-ui/core';
import { useTheme } from '@material-ui/core/styles';
import WarningIcon from '@material-ui/icons/Warning';
import { EvaluatedEntity } from '@paved-road/backstage-plugin-common';
import useAsync from 'react-use/esm/useAsync';
import { pavedRoadApiRef } from '../../api';
import { EntityCampaigns } from '../Campaigns/EntityCampaigns';
import { useEntityScorecards } from '../shared/useEntityScorecards';
import { ReEvaluateButton } from './ReEvaluateButton';
import { ScorecardChecks } from './ScorecardChecks';

function EvaluationStatus(props: { evaluated: EvaluatedEntity }) {
  const theme = useTheme();
  const { evaluated } = props;
  return (
    <Box>
      <Typography variant="body2" color="textSecondary">
        Last evaluated {new Date(evaluated.evaluatedAt).toLocaleString()}
      </Typography>
      {evaluated.stale && (
        <Box
          display="flex"
          alignItems="center"
          role="alert"
          style={{ color: theme.palette.warning.main }}
        >
          <WarningIcon fontSize="small" aria-hidden />
          <Typography variant="body2" style={{ marginLeft: 4 }}>
            Stale: the last evaluation failed
            {evaluated.staleReason ? ` (${evaluated.staleReason})` : ''}; older
            results are shown.
          </Typography>
        </Box>
      )}
    </Box>
  );
}

/**
 * Every Paved Road check that applies to the entity, grouped by scorecard and level,
 * with remediation, staleness, the level's trend and a re-evaluate button. For an
 * entity page tab.
 *
 * @public
 */
export function EntityScorecardsContent() {
  const api = useApi(pavedRoadApiRef);
  const { value, loading, error, entityRef, reload } = useEntityScorecards();
  const history = useAsync(
    () => api.getHistory({ ref: entityRef }),
    [api, entityRef, value],
  );

  let body;
  if (loading && !value) {
    body = <Progress />;
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!value?.results.length) {
    body = (
      <EmptyState
        missing="info"
        title={
          value?.entity
            ? 'No scorecard applies to this entity'
            : 'Not evaluated yet'
        }
        description="Results appear after the next scheduled evaluation."
      />
    );
  } else {
    body = (
      <Grid container spacing={3}>
        {value.results.map(result => (
          <Grid item xs={12} key={result.scorecardId}>
            <ScorecardChecks
              result={result}
              scorecard={value.scorecards.find(
                s => s.id === result.scorecardId,
              )}
              history={(history.value?.items ?? []).filter(
                p => p.scorecardId === result.scorecardId,
              )}
            />
          </Grid>
        ))}
      </Grid>
    );
  }

  return (
    <Content noPadding>
      <ContentHeader title="Scorecards">
        <ReEvaluateButton entityRef={entityRef} onDone={reload} />
      </ContentHeader>
      {value?.entity && <EvaluationStatus evaluated={value.entity} />}
      {history.error && (
        <Typography variant="body2" color="error">
          Level history unavailable: {history.error.message}
        </Typography>
      )}
      <EntityCampaigns />
      {body}
    </Content>
  );
}
