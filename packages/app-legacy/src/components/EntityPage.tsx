import {
  EntityAboutCard,
  EntityLayout,
  EntitySwitch,
} from '@backstage/plugin-catalog';
import {
  EntityScorecardsCard,
  EntityScorecardsContent,
  isPavedRoadScorecardAvailable,
} from '@paved-road/backstage-plugin';
import { Grid } from '@material-ui/core';

const overviewContent = (
  <Grid container spacing={3} alignItems="stretch">
    <Grid item md={6} xs={12}>
      <EntityAboutCard />
    </Grid>
    <EntitySwitch>
      <EntitySwitch.Case if={isPavedRoadScorecardAvailable}>
        <Grid item md={6} xs={12}>
          <EntityScorecardsCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
  </Grid>
);

/** The entity page, composed by hand as legacy apps do. */
export const entityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    <EntityLayout.Route
      path="/scorecards"
      title="Scorecards"
      if={isPavedRoadScorecardAvailable}
    >
      <EntityScorecardsContent />
    </EntityLayout.Route>
  </EntityLayout>
);
