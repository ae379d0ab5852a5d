import { Chip } from '@material-ui/core';
import { ScorecardDefinition } from '@paved-road/backstage-plugin-common';

/** The title of a level id on a scorecard; `null` and `none` read as below the lowest. */
export function levelTitle(
  scorecard: ScorecardDefinition | undefined,
  level: string | null | undefined,
): string {
  if (!level || level === 'none') return 'No level yet';
  return scorecard?.levels.find(l => l.id === level)?.title ?? level;
}

/** A chip naming the level an entity has reached on a scorecard. */
export function LevelChip(props: {
  scorecard?: ScorecardDefinition;
  level: string | null;
}) {
  const { scorecard, level } = props;
  const reached = Boolean(level && level !== 'none');
  return (
    <Chip
      size="small"
      color={reached ? 'primary' : 'default'}
      variant={reached ? 'default' : 'outlined'}
      label={`${reached ? `${level}: ` : ''}${levelTitle(scorecard, level)}`}
    />
  );
}
