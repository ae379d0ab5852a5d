import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  Box,
  Divider,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import {
  ScorecardDefinition,
  StoredScorecardResult,
} from '@paved-road/backstage-plugin-common';
import { EntityCampaignsSummary } from '../Campaigns/EntityCampaignsSummary';
import { LevelChip, levelTitle } from '../shared/LevelChip';
import { useEntityScorecards } from '../shared/useEntityScorecards';
import { ProvenanceSummary } from './ProvenanceSummary';

function ScorecardSummary(props: {
  result: StoredScorecardResult;
  scorecard?: ScorecardDefinition;
}) {
  const { result, scorecard } = props;
  const checkTitle = (id: string) =>
    scorecard?.checks.find(c => c.id === id)?.title ?? id;
  return (
    <ListItem disableGutters alignItems="flex-start">
      <ListItemText
        disableTypography
        primary={
          <Box
            display="flex"
            alignItems="center"
            justifyContent="space-between"
          >
            <Typography variant="subtitle2">
              {scorecard?.title ?? result.scorecardId}
            </Typography>
            <LevelChip scorecard={scorecard} level={result.level} />
          </Box>
        }
        secondary={
          result.nextLevel ? (
            <Typography variant="body2" color="textSecondary">
              Next: {levelTitle(scorecard, result.nextLevel)}, missing{' '}
              {result.missingForNext.map(checkTitle).join(', ') || 'nothing'}
            </Typography>
          ) : (
            <Typography variant="body2" color="textSecondary">
              Top level reached.
            </Typography>
          )
        }
      />
    </ListItem>
  );
}

/**
 * The entity's level on each Paved Road scorecard, what is missing for the next level,
 * and its golden-path provenance. For the entity page's overview.
 *
 * @public
 */
export function EntityScorecardsCard(props: { title?: string }) {
  const { value, loading, error, entity, entityRef } = useEntityScorecards();
  let body;
  if (loading) {
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
        description="Paved Road scores services, workers, cron jobs, websites and platform tools on a schedule."
      />
    );
  } else {
    body = (
      <>
        <List dense disablePadding>
          {value.results.map(result => (
            <ScorecardSummary
              key={result.scorecardId}
              result={result}
              scorecard={value.scorecards.find(
                s => s.id === result.scorecardId,
              )}
            />
          ))}
        </List>
        <EntityCampaignsSummary />
        <Divider style={{ margin: '8px 0' }} />
        <ProvenanceSummary
          entityRef={entityRef}
          evaluated={value.entity}
          annotations={entity.metadata.annotations ?? {}}
        />
      </>
    );
  }
  return <InfoCard title={props.title ?? 'Scorecards'}>{body}</InfoCard>;
}
