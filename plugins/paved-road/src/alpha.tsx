/**
 * The Paved Road frontend plugin for the new frontend system, as the default export.
 *
 * @packageDocumentation
 */

import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  createFrontendPlugin,
  ExternalRouteRef,
  OverridableFrontendPlugin,
  RouteRef,
} from '@backstage/frontend-plugin-api';
import RoomIcon from '@material-ui/icons/Room';
import {
  entityScorecardsCard,
  entityScorecardsContent,
  pavedRoadApi,
  pavedRoadPage,
} from './alpha/extensions';
import { rootRouteRef, scaffolderRouteRef } from './routes';

/**
 * The Paved Road frontend plugin for the new frontend system: the API, the Paved Road
 * page with its Adoption and Campaigns tabs (and its nav item), and the scorecard card
 * and tab on entity pages. Its extensions (`api:paved-road`, `page:paved-road`,
 * `entity-card:paved-road/scorecards`, `entity-content:paved-road/scorecards`) are
 * reached with `getExtension(id)` and replaced with `withOverrides`. Its external route
 * `scaffolder` (the card's link to the _Upgrade a service_ template) targets the
 * scaffolder's root page (`scaffolder.root`) by default, so apps need no binding.
 *
 * @remarks
 * Declared with the general extension map rather than the inferred one: the inferred
 * type spells out every blueprint's parameters, whose unions TypeScript prints in an
 * order that changes with unrelated code, which made the API report unstable.
 *
 * @alpha
 */
const pavedRoadPlugin: OverridableFrontendPlugin<
  { root: RouteRef<undefined> },
  { scaffolder: ExternalRouteRef<undefined> }
> = createFrontendPlugin({
  pluginId: 'paved-road',
  title: 'Paved Road',
  icon: <RoomIcon fontSize="inherit" />,
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  externalRoutes: { scaffolder: convertLegacyRouteRef(scaffolderRouteRef) },
  extensions: [
    pavedRoadApi,
    pavedRoadPage,
    entityScorecardsCard,
    entityScorecardsContent,
  ],
});

export default pavedRoadPlugin;
