/**
 * Paved Road frontend plugin: golden paths and their adoption.
 *
 * The legacy frontend system's exports are here; the new frontend system's plugin is
 * the default export of `@paved-road/backstage-plugin/alpha`.
 *
 * @packageDocumentation
 */

export {
  pavedRoadPlugin,
  PavedRoadPage,
  EntityScorecardsCard,
  EntityScorecardsContent,
} from './plugin';
export { isPavedRoadScorecardAvailable } from './isPavedRoadScorecardAvailable';
export { pavedRoadApiRef } from './api';
export {
  GoldenPathsContent,
  GoldenPathsTable,
} from './components/GoldenPathsContent';
export { PavedRoadDashboard } from './components/Dashboard';
