import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/core-plugin-api';

/** The Paved Road page. @public */
export const rootRouteRef = createRouteRef({ id: 'paved-road' });

/**
 * The scaffolder's root page (`scaffolderPlugin.routes.root`), for the entity card's
 * "Upgrade with a pull request" link to the `template:default/upgrade-service` template.
 * Optional: unbound, the card shows the drift warning without the link. The new
 * frontend system binds it to `scaffolder.root` by default.
 *
 * @public
 */
export const scaffolderRouteRef = createExternalRouteRef({
  id: 'paved-road:scaffolder',
  optional: true,
  defaultTarget: 'scaffolder.root',
});
