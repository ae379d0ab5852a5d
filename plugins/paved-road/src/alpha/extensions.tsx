// The extensions of the new frontend system's plugin (src/alpha.tsx), with their full
// types for the plugin's tests; not exported from the package.
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  PageBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { PavedRoadClient } from '@paved-road/backstage-plugin-common';
import RoomIcon from '@material-ui/icons/Room';
import { pavedRoadApiRef } from '../api';
import { isPavedRoadScorecardAvailable } from '../isPavedRoadScorecardAvailable';
import { rootRouteRef } from '../routes';

export const pavedRoadApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: pavedRoadApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PavedRoadClient({ discoveryApi, fetchApi }),
    }),
});

export const pavedRoadPage = PageBlueprint.make({
  params: {
    path: '/paved-road',
    title: 'Paved Road',
    icon: <RoomIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('../components/PavedRoadTabs').then(m => <m.PavedRoadTabs />),
  },
});

// An info card: the overview's side column, next to About, where it is read without
// scrolling (a content card renders below the relations, at the bottom of the page).
export const entityScorecardsCard = EntityCardBlueprint.make({
  name: 'scorecards',
  params: {
    type: 'info',
    filter: isPavedRoadScorecardAvailable,
    loader: () =>
      import('../components/EntityScorecardsCard').then(m => (
        <m.EntityScorecardsCard />
      )),
  },
});

export const entityScorecardsContent = EntityContentBlueprint.make({
  name: 'scorecards',
  params: {
    path: 'scorecards',
    title: 'Scorecards',
    filter: isPavedRoadScorecardAvailable,
    loader: () =>
      import('../components/EntityScorecardsContent').then(m => (
        <m.EntityScorecardsContent />
      )),
  },
});
