import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { parseEntityRefInput } from '../lib/inputs';
import { UpgradeOutput, outcomeOf } from '../upgrade/outcomes';
import { recordUpgradeRun } from '../upgrade/record';
import { examples } from './upgradeRecord.examples';

/**
 * `paved-road:upgrade:record`: records one service's upgrade (the output of
 * `paved-road:template:upgrade`, where it was published and the task that ran it) with
 * the Paved Road backend, so the dashboard counts its pull request and the service's
 * Scorecards card links to it.
 *
 * @public
 */
export function createUpgradeRecordAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'paved-road:upgrade:record',
    description:
      "Records a service's template upgrade (opened, conflicted or already current) with the Paved Road backend",
    examples,
    schema: {
      input: {
        entityRef: z => z.string().describe('The upgraded service'),
        upgrade: z =>
          z
            .record(z.unknown())
            .describe("The upgrade step's output, ${{ steps.upgrade.output }}"),
        url: z =>
          z.string().optional().describe('The pull request or repository URL'),
        branch: z => z.string().optional().describe('The branch'),
      },
      output: {
        runId: z => z.string(),
        outcome: z => z.string(),
      },
    },
    async handler(ctx) {
      const entityRef = parseEntityRefInput(
        ctx.input.entityRef,
        'input.entityRef',
        {
          defaultKind: 'component',
        },
      );
      const upgrade = ctx.input.upgrade as UpgradeOutput & {
        templateRef?: string;
      };
      if (
        typeof upgrade.templateRef !== 'string' ||
        typeof upgrade.toVersion !== 'string'
      ) {
        throw new InputError(
          'input.upgrade must be the output of paved-road:template:upgrade (it has no templateRef and toVersion)',
        );
      }
      // This task's page shows the upgrade (title, branch, diff): the service's
      // Scorecards card links to it, also for a local branch a browser cannot open.
      const result = outcomeOf(
        entityRef,
        upgrade,
        {
          url: ctx.input.url || undefined,
          branch: ctx.input.branch || undefined,
        },
        ctx.task.id,
      );
      const run = await ctx.checkpoint({
        key: `paved-road.upgrade-record.${entityRef}.${upgrade.toVersion}`,
        fn: async () =>
          recordUpgradeRun(options, {
            templateRef: upgrade.templateRef!,
            toVersion: upgrade.toVersion!,
            results: [result],
          }),
      });
      ctx.logger.info(
        `Recorded the upgrade of ${entityRef}: ${result.outcome}`,
      );
      ctx.output('runId', run.id);
      ctx.output('outcome', result.outcome);
    },
  });
}
