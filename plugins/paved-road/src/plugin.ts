import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { PavedRoadClient } from '@paved-road/backstage-plugin-common';
import { pavedRoadApiRef } from './api';
import { rootRouteRef } from './routes';

/**
 * The Paved Road frontend plugin for the legacy frontend system.
 *
 * @public
 */
export const pavedRoadPlugin = createPlugin({
  id: 'paved-road',
  apis: [
    createApiFactory({
      api: pavedRoadApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PavedRoadClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The Paved Road page: golden paths and their adoption.
 *
 * @public
 */
export const PavedRoadPage = pavedRoadPlugin.provide(
  createRoutableExtension({
    name: 'PavedRoadPage',
    component: () =>
      import('./components/PavedRoadPage').then(m => m.PavedRoadPage),
    mountPoint: rootRouteRef,
  }),
);
