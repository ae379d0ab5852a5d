import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createAdoptionRecordAction } from './actions/adoptionRecord';

/**
 * Adds the Paved Road actions to the scaffolder.
 *
 * @public
 */
export const scaffolderModulePavedRoad = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'paved-road',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, auth, discovery }) {
        scaffolder.addActions(createAdoptionRecordAction({ auth, discovery }));
      },
    });
  },
});
