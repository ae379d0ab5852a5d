import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { PavedRoadClient } from '@paved-road/backstage-plugin-common';
import RoomIcon from '@material-ui/icons/Room';
import { pavedRoadApiRef } from './api';
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
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/GoldenPathsContent').then(m => (
        <m.GoldenPathsContent />
      )),
  },
});

/**
 * The Paved Road frontend plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'paved-road',
  title: 'Paved Road',
  icon: <RoomIcon fontSize="inherit" />,
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  extensions: [pavedRoadApi, pavedRoadPage],
});
