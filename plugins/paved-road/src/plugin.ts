import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { PavedRoadClient } from '@paved-road/backstage-plugin-common';
import { JSX } from 'react';
import { pavedRoadApiRef } from './api';
import { rootRouteRef, scaffolderRouteRef } from './routes';

/**
 * The Paved Road frontend plugin for the legacy frontend system.
 *
 * @remarks
 * External route `scaffolder` (optional): bind it to the scaffolder's root page so the
 * entity card's drift warning links to the _Upgrade a service_ template, e.g.
 * `bind(pavedRoadPlugin.externalRoutes, { scaffolder: scaffolderPlugin.routes.root })`
 * in `createApp`'s `bindRoutes`.
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
  externalRoutes: { scaffolder: scaffolderRouteRef },
});

/**
 * The Paved Road page: golden paths and their adoption (the Adoption tab, at the
 * page's root) and campaigns with their progress (the Campaigns tab, at `campaigns`,
 * each campaign at `campaigns/:id`). Mount it at a path of its own, e.g. `/paved-road`.
 *
 * @public
 */
export const PavedRoadPage: () => JSX.Element = pavedRoadPlugin.provide(
  createRoutableExtension({
    name: 'PavedRoadPage',
    component: () =>
      import('./components/PavedRoadPage').then(m => m.PavedRoadPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The entity's level on each Paved Road scorecard, what is missing for the next level,
 * and its golden-path provenance; for the entity page's overview. Show it where
 * {@link isPavedRoadScorecardAvailable} holds. `title` replaces the card's title.
 *
 * @public
 */
export const EntityScorecardsCard: (props: { title?: string }) => JSX.Element =
  pavedRoadPlugin.provide(
    createComponentExtension({
      name: 'EntityScorecardsCard',
      component: {
        lazy: () =>
          import('./components/EntityScorecardsCard').then(
            m => m.EntityScorecardsCard,
          ),
      },
    }),
  );

/**
 * Every Paved Road check that applies to the entity, grouped by scorecard and level,
 * below the campaigns that include it; for an entity page tab. Show it where {@link isPavedRoadScorecardAvailable} holds.
 *
 * @public
 */
export const EntityScorecardsContent: () => JSX.Element =
  pavedRoadPlugin.provide(
    createComponentExtension({
      name: 'EntityScorecardsContent',
      component: {
        lazy: () =>
          import('./components/EntityScorecardsContent').then(
            m => m.EntityScorecardsContent,
          ),
      },
    }),
  );
