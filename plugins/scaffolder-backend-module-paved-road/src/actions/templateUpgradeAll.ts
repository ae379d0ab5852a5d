import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ScaffolderService,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { targetVersion } from '../upgrade/latestVersion';
import { parseEntityRefInput } from '../lib/inputs';
import { servicesInScope, upgradeEach } from '../upgrade/bulk';
import { countOutcomes, recordUpgradeRun } from '../upgrade/record';
import { examples } from './templateUpgradeAll.examples';

/**
 * `paved-road:template:upgrade-all`: upgrades every service made from one golden path in
 * a scope (owner, system) to one release, each as its own run of the upgrade template (a
 * pull request or local branch per service), and records the run's outcome per service
 * with the Paved Road backend for the adoption dashboard.
 *
 * @public
 */
export function createTemplateUpgradeAllAction(options: {
  catalog: CatalogService;
  scaffolder: ScaffolderService;
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'paved-road:template:upgrade-all',
    description:
      'Upgrades every service made from a golden path in a scope to one release, a pull request per service, and records the outcome of each',
    examples,
    schema: {
      input: {
        templateRef: z =>
          z
            .string()
            .describe('The golden path, e.g. template:default/api-service'),
        targetVersion: z =>
          z
            .string()
            .optional()
            .describe(
              "Defaults to the template's current version in the catalog",
            ),
        owner: z =>
          z.string().optional().describe('Only services owned by this group'),
        system: z =>
          z.string().optional().describe('Only services in this system'),
        upgradeTemplate: z =>
          z
            .string()
            .default('template:default/upgrade-service')
            .describe('The template run for each service'),
        concurrency: z =>
          z
            .number()
            .int()
            .min(1)
            .max(16)
            .default(4)
            .describe('How many services are upgraded at once'),
      },
      output: {
        toVersion: z => z.string(),
        results: z =>
          z.array(
            z.object({
              entityRef: z.string(),
              fromVersion: z.string(),
              outcome: z.enum(['opened', 'current', 'conflicted', 'failed']),
              url: z.string().optional(),
              branch: z.string().optional(),
              conflicts: z.number().optional(),
              reason: z.string().optional(),
              taskId: z
                .string()
                .optional()
                .describe("The service's upgrade task"),
            }),
          ),
        counts: z =>
          z.object({
            opened: z.number(),
            current: z.number(),
            conflicted: z.number(),
            failed: z.number(),
          }),
        runId: z => z.string().optional().describe('The recorded run'),
        summary: z => z.string().describe('A Markdown table of the results'),
      },
    },
    async handler(ctx) {
      const templateRef = parseEntityRefInput(
        ctx.input.templateRef,
        'input.templateRef',
        {
          defaultKind: 'template',
          kind: 'template',
        },
      );
      const scope = {
        ...(ctx.input.owner
          ? {
              owner: parseEntityRefInput(ctx.input.owner, 'input.owner', {
                defaultKind: 'group',
              }),
            }
          : {}),
        ...(ctx.input.system
          ? {
              system: parseEntityRefInput(ctx.input.system, 'input.system', {
                defaultKind: 'system',
              }),
            }
          : {}),
      };
      const credentials = await ctx.getInitiatorCredentials();
      const toVersion = await targetVersion({
        given: ctx.input.targetVersion,
        field: 'input.targetVersion',
        templateRef: templateRef,
        catalog: options.catalog,
        credentials,
      });
      const services = await servicesInScope({
        catalog: options.catalog,
        credentials,
        templateRef,
        scope,
      });
      ctx.logger.info(
        `${services.length} services made from ${templateRef} in scope; upgrading to ${toVersion}`,
      );
      const results = await upgradeEach({
        scaffolder: options.scaffolder,
        credentials,
        logger: ctx.logger,
        services,
        toVersion,
        upgradeTemplateRef: parseEntityRefInput(
          ctx.input.upgradeTemplate ?? 'template:default/upgrade-service',
          'input.upgradeTemplate',
          { defaultKind: 'template', kind: 'template' },
        ),
        concurrency: ctx.input.concurrency ?? 4,
        signal: ctx.signal,
      });
      const counts = countOutcomes(results);
      let runId: string | undefined;
      if (results.length) {
        try {
          runId = (
            await recordUpgradeRun(options, {
              templateRef,
              toVersion,
              scope,
              results,
            })
          ).id;
        } catch (error) {
          ctx.logger.warn(
            `The upgrade run could not be recorded with the Paved Road backend: ${
              (error as Error).message
            }`,
          );
        }
      }
      const rows = results.map(
        r =>
          `| ${r.entityRef} | ${r.fromVersion} | ${r.outcome}${
            r.conflicts ? ` (${r.conflicts} conflicts)` : ''
          } | ${r.url ?? r.reason ?? ''}${r.branch ? ` (${r.branch})` : ''} |`,
      );
      ctx.output('toVersion', toVersion);
      ctx.output('results', results);
      ctx.output('counts', counts);
      if (runId) ctx.output('runId', runId);
      ctx.output(
        'summary',
        [
          `${results.length} services made from ${templateRef}, upgraded to ${toVersion}: ${counts.opened} opened, ${counts.conflicted} conflicted, ${counts.current} already current, ${counts.failed} failed.`,
          '',
          '| service | from | outcome | pull request or reason |',
          '| --- | --- | --- | --- |',
          ...rows,
        ].join('\n'),
      );
    },
  });
}
