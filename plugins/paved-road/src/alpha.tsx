/**
 * The Paved Road frontend plugin for the new frontend system, as the default export.
 *
 * @packageDocumentation
 */

import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { PavedRoadClient } from '@paved-road/backstage-plugin-common';
import RoomIcon from '@material-ui/icons/Room';
import { pavedRoadApiRef } from './api';
import { isPavedRoadScorecardAvailable } from './isPavedRoadScorecardAvailable';
import { rootRouteRef } from './routes';

const pavedRoadApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: pavedRoadApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PavedRoadClient({ discoveryApi, fetchApi }),
    }),
});

const pavedRoadPage = PageBlueprint.make({
  params: {
    path: '/paved-road',
    title: 'Paved Road',
    icon: <RoomIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/Dashboard').then(m => <m.PavedRoadDashboard />),
  },
});

const entityScorecardsCard = EntityCardBlueprint.make({
  name: 'scorecards',
  params: {
    filter: isPavedRoadScorecardAvailable,
    loader: () =>
      import('./components/EntityScorecardsCard').then(m => (
        <m.EntityScorecardsCard />
      )),
  },
});

const entityScorecardsContent = EntityContentBlueprint.make({
  name: 'scorecards',
  params: {
    path: 'scorecards',
    title: 'Scorecards',
    filter: isPavedRoadScorecardAvailable,
    loader: () =>
      import('./components/EntityScorecardsContent').then(m => (
        <m.EntityScorecardsContent />
      )),
  },
});

/**
 * The Paved Road frontend plugin for the new frontend system: the API, the adoption
 * dashboard page (with its nav item), and the scorecard card and tab on entity pages.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'paved-road',
  title: 'Paved Road',
  icon: <RoomIcon fontSize="inherit" />,
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  extensions: [
    pavedRoadApi,
    pavedRoadPage,
    entityScorecardsCard,
    entityScorecardsContent,
  ],
});
