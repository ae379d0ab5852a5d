import { createRouteRef } from '@backstage/core-plugin-api';

/** The Paved Road page. @public */
export const rootRouteRef = createRouteRef({ id: 'paved-road' });
