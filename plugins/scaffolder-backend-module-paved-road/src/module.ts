import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  scaffolderActionsExtensionPoint,
  scaffolderServiceRef,
} from '@backstage/plugin-scaffolder-node';
import { createAdoptionRecordAction } from './actions/adoptionRecord';
import { createAnswersRecordAction } from './actions/answersRecord';
import { createGuardrailsVerifyAction } from './actions/guardrailsVerify';
import { createProvenanceAnnotateAction } from './actions/provenanceAnnotate';
import { createPublishLocalAction } from './actions/publishLocal';
import { createPublishLocalBranchAction } from './actions/publishLocalBranch';
import { createTemplateUpgradeAction } from './actions/templateUpgrade';
import { createTemplateUpgradeAllAction } from './actions/templateUpgradeAll';
import { createUpgradeRecordAction } from './actions/upgradeRecord';
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
        reader: coreServices.urlReader,
        scaffolderService: scaffolderServiceRef,
      },
      async init({
        scaffolder,
        auth,
        catalog,
        config,
        discovery,
        reader,
        scaffolderService,
      }) {
        scaffolder.addActions(
          createGuardrailsVerifyAction({ catalog }),
          createProvenanceAnnotateAction(),
          createWrapperTestAction(),
          createAdoptionRecordAction({ auth, discovery }),
          createPublishLocalAction({ config, catalog, auth }),
          createAnswersRecordAction(),
          createTemplateUpgradeAction({
            config,
            catalog,
            reader,
            scaffolder: scaffolderService,
          }),
          createPublishLocalBranchAction({ config }),
          createTemplateUpgradeAllAction({
            catalog,
            scaffolder: scaffolderService,
            auth,
            discovery,
          }),
          createUpgradeRecordAction({ auth, discovery }),
        );
      },
    });
  },
});
