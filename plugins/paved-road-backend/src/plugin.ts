import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { pavedRoadPermissions } from '@paved-road/backstage-plugin-common';
import {
  PavedRoadFactSource,
  pavedRoadFactSourcesExtensionPoint,
} from '@paved-road/backstage-plugin-node';
import { DatabaseScaffoldEventStore } from './database/DatabaseScaffoldEventStore';
import {
  createProvenanceFactSource,
  entityFactSource,
} from './service/factSources';
import { createRouter } from './service/router';

/**
 * The Paved Road backend plugin, mounted at `/api/paved-road`.
 *
 * @public
 */
export const pavedRoadPlugin = createBackendPlugin({
  pluginId: 'paved-road',
  register(env) {
    const moduleSources: PavedRoadFactSource[] = [];
    env.registerExtensionPoint(pavedRoadFactSourcesExtensionPoint, {
      addFactSource(...sources) {
        moduleSources.push(...sources);
      },
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init(deps) {
        const { auth, catalog, database, httpRouter } = deps;
        deps.permissionsRegistry.addPermissions(pavedRoadPermissions);

        const factSources = [
          entityFactSource,
          createProvenanceFactSource({ catalog, auth }),
          ...moduleSources,
        ];
        const ids = new Set<string>();
        for (const { id } of factSources) {
          if (ids.has(id)) {
            throw new Error(
              `Paved Road fact source id '${id}' is registered twice`,
            );
          }
          ids.add(id);
        }

        const store = await DatabaseScaffoldEventStore.create({ database });
        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog,
            store,
            factSources,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
