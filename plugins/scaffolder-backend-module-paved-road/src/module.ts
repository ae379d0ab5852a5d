import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createAdoptionRecordAction } from './actions/adoptionRecord';
import { createGuardrailsVerifyAction } from './actions/guardrailsVerify';
import { createProvenanceAnnotateAction } from './actions/provenanceAnnotate';
import { createPublishLocalAction } from './actions/publishLocal';
import { createWrapperTestAction } from './actions/wrapperTest';

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
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, auth, catalog, config, discovery }) {
        scaffolder.addActions(
          createGuardrailsVerifyAction({ catalog }),
          createProvenanceAnnotateAction(),
          createWrapperTestAction(),
          createAdoptionRecordAction({ auth, discovery }),
          createPublishLocalAction({ config, catalog, auth }),
        );
      },
    });
  },
});
