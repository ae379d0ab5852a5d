import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { readDurationFromConfig } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { durationToMilliseconds } from '@backstage/types';
import {
  Campaign,
  pavedRoadPermissions,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import {
  PavedRoadFactSource,
  pavedRoadFactSourcesExtensionPoint,
  PavedRoadRuleOperator,
  pavedRoadRuleOperatorsExtensionPoint,
} from '@paved-road/backstage-plugin-node';
import { CampaignProgressStore } from './database/CampaignProgressStore';
import { CampaignStore } from './database/CampaignStore';
import { ExemptionStore } from './database/ExemptionStore';
import { NotificationLog } from './database/NotificationLog';
import { CampaignNotifier } from './service/CampaignNotifier';
import { readNotificationsConfig } from './service/notificationsConfig';
import { DatabaseResultsStore } from './database/DatabaseResultsStore';
import { DatabaseScaffoldEventStore } from './database/DatabaseScaffoldEventStore';
import { DatabaseUpgradeStore } from './database/DatabaseUpgradeStore';
import { TemplateReleaseStore } from './database/TemplateReleaseStore';
import { readScorecardDefinitions } from './scorecards/definitions';
import { registerScorecardActions } from './service/actions';
import { createBuiltInFactSources } from './service/builtInFactSources';
import { registerCampaignActions } from './service/campaignActions';
import { CampaignProgressReader } from './service/CampaignProgressReader';
import { CampaignProgressTracker } from './service/CampaignProgressTracker';
import { campaignSource } from './service/campaignSource';
import { readConfiguredCampaigns } from './service/configuredCampaigns';
import { CatalogIndex } from './service/CatalogIndex';
import {
  readCatchUpConfig,
  readMaxExemptionDays,
  readPreviewBudgetMs,
  readEvaluationSchedule,
} from './service/evaluationConfig';
import { createRouter } from './service/router';
import { ScaffoldedEntityWatcher } from './service/ScaffoldedEntityWatcher';
import { ScheduledEvaluation } from './service/ScheduledEvaluation';
import { TemplateReleaseTracker } from './service/TemplateReleaseTracker';
import {
  loadScorecards,
  ScorecardEvaluationService,
} from './service/ScorecardEvaluationService';

/** The scheduler task that sends campaign and exemption notifications. */
const NOTIFICATIONS_TASK_ID = 'paved-road-notifications';

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
    const operators: PavedRoadRuleOperator[] = [];
    env.registerExtensionPoint(pavedRoadRuleOperatorsExtensionPoint, {
      addRuleOperator(...added) {
        operators.push(...added);
      },
    });

    env.registerInit({
      deps: {
        actionsRegistry: actionsRegistryServiceRef,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        userInfo: coreServices.userInfo,
        notifications: notificationService,
      },
      async init(deps) {
        const { auth, catalog, config, database, httpRouter, logger } = deps;
        deps.permissionsRegistry.addPermissions(pavedRoadPermissions);
        // An invalid definition throws here and stops the backend, naming file and key.
        const definitions = await readScorecardDefinitions(config, {
          operators,
        });
        const catchUp = readCatchUpConfig(config);

        const index = new CatalogIndex({ catalog, auth, logger });
        const factSources = [
          ...createBuiltInFactSources({
            catalog,
            auth,
            urlReader: deps.urlReader,
            index,
          }),
          ...moduleSources,
        ];
        const ids = new Set<string>();
        for (const { id } of [...factSources, { id: 'pushed' }]) {
          if (ids.has(id)) {
            throw new Error(
              `Paved Road fact source id '${id}' is registered twice`,
            );
          }
          ids.add(id);
        }

        const store = await DatabaseScaffoldEventStore.create({ database });
        const upgrades = await DatabaseUpgradeStore.create({ database });
        const results = await DatabaseResultsStore.create({ database });
        const releases = await TemplateReleaseStore.create({ database });
        const campaigns = await CampaignStore.create({ database });
        const progress = await CampaignProgressStore.create({ database });
        const exemptions = await ExemptionStore.create({ database });
        // Read at start-up below, and again when the config changes.
        let configuredCampaigns: Campaign[] = [];
        const campaignList = campaignSource(
          () => configuredCampaigns,
          campaigns,
        );
        const historyRetentionDays =
          config.getOptionalNumber('pavedRoad.history.retentionDays') ?? 90;
        const evaluation: ScorecardEvaluationService =
          new ScorecardEvaluationService({
            catalog,
            auth,
            logger,
            store: results,
            index,
            releases: new TemplateReleaseTracker({
              store: releases,
              index,
              logger,
            }),
            campaigns: new CampaignProgressTracker({
              store: progress,
              index,
              campaigns: () => campaignList.all(),
              scorecards: (): ScorecardDefinition[] =>
                evaluation.getScorecards().definitions,
              operators,
              logger,
              historyRetentionDays,
            }),
            exemptions,
            factSources,
            scorecards: loadScorecards(definitions, [...ids], operators),
            historyRetentionDays,
            reevaluateAfterMs: durationToMilliseconds(
              config.has('pavedRoad.reevaluateAfter')
                ? readDurationFromConfig(config, {
                    key: 'pavedRoad.reevaluateAfter',
                  })
                : { hours: 24 },
            ),
          });

        // Checked against the loaded scorecards; an invalid one stops the backend, naming
        // its key.
        const campaignContext = {
          scorecards: () => evaluation.getScorecards().definitions,
          operators,
        };
        configuredCampaigns = await readConfiguredCampaigns(
          config,
          campaignContext,
        );

        const scheduled = new ScheduledEvaluation({
          scheduler: deps.scheduler,
          logger,
          evaluation,
          schedule: readEvaluationSchedule(config),
          retryAfterMs: catchUp.retryAfterMs,
        });
        await scheduled.start();
        const notificationsConfig = readNotificationsConfig(config);
        const notifier = new CampaignNotifier({
          notifications: deps.notifications,
          log: await NotificationLog.create({ database }),
          campaigns: campaignList,
          progress,
          exemptions,
          config: notificationsConfig,
          logger,
        });
        await deps.scheduler.scheduleTask({
          id: NOTIFICATIONS_TASK_ID,
          scope: 'global',
          ...notificationsConfig.schedule,
          fn: async () => {
            await notifier.run();
          },
        });
        const scaffoldedEntities = new ScaffoldedEntityWatcher({
          catalog,
          auth,
          logger,
          evaluation,
          ...catchUp.scaffoldedEntities,
        });
        deps.lifecycle.addShutdownHook(() => {
          scheduled.stop();
          scaffoldedEntities.stop();
        });

        // Edited definitions (where config watching allows) apply without a restart.
        config.subscribe?.(async () => {
          try {
            const loaded = loadScorecards(
              await readScorecardDefinitions(config, { operators }),
              [...ids],
              operators,
            );
            if (loaded.hash !== evaluation.getScorecards().hash) {
              evaluation.setScorecards(loaded);
              logger.info('Scorecard definitions changed; re-evaluating');
              await scheduled.trigger();
            }
          } catch (error) {
            logger.error(
              `Edited scorecard definitions were not applied: ${
                (error as Error).message
              }`,
            );
          }
          try {
            configuredCampaigns = await readConfiguredCampaigns(
              config,
              campaignContext,
            );
          } catch (error) {
            logger.error(
              `Edited campaigns were not applied: ${(error as Error).message}`,
            );
          }
        });

        registerCampaignActions({
          actionsRegistry: deps.actionsRegistry,
          catalog,
          permissions: deps.permissions,
          campaignSource: campaignList,
          reader: new CampaignProgressReader({
            index,
            campaignSource: campaignList,
            progress,
            evaluation,
            upgrades,
          }),
        });
        registerScorecardActions({
          actionsRegistry: deps.actionsRegistry,
          catalog,
          permissions: deps.permissions,
          results,
          index,
          evaluation,
        });

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog,
            store,
            upgrades,
            releases,
            campaigns,
            configuredCampaigns: () => configuredCampaigns,
            progress,
            exemptions,
            userInfo: deps.userInfo,
            maxExemptionDays: readMaxExemptionDays(config),
            notifier,
            logger,
            factSources,
            results,
            index,
            evaluation,
            operators,
            scaffoldedEntities,
            maxPushedFactsBytes:
              config.getOptionalNumber('pavedRoad.facts.maxBytes') ?? 32_768,
            previewBudgetMs: readPreviewBudgetMs(config),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
