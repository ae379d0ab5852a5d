import { createApiRef } from '@backstage/core-plugin-api';
import { PavedRoadApi } from '@paved-road/backstage-plugin-common';

/**
 * The Paved Road backend's API, as a Backstage utility API.
 *
 * @public
 */
export const pavedRoadApiRef = createApiRef<PavedRoadApi>({
  id: 'plugin.paved-road.api',
});
