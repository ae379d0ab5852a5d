import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ScaffolderService,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { PAVED_ROAD_ANNOTATIONS } from '@paved-road/backstage-plugin-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { targetVersion } from '../upgrade/latestVersion';
import { parseEntityRefInput, resolveInputPath } from '../lib/inputs';
import { planUpgrade, readAnswers } from '../upgrade/plan';
import {
  TemplateReleases,
  UPGRADES_CONFIG,
  releasesFromConfig,
} from '../upgrade/releases';
import { DEFAULT_RENDER_ACTIONS, renderRelease } from '../upgrade/render';
import { readServiceRepository } from '../upgrade/repository';
import { pullRequestText } from '../upgrade/pullRequest';
import { examples } from './templateUpgrade.examples';

/**
 * `paved-road:template:upgrade`: brings a golden-path service to a newer release of its
 * template, the way copier and cruft `update` do. It renders the release the service was
 * made from and the target release with the answers recorded in the service's
 * `.paved-road/answers.yaml`, merges the difference into the service's repository three
 * ways, and writes the upgraded repository into the workspace for a pull request.
 *
 * @public
 */
export function createTemplateUpgradeAction(options: {
  config: Config;
  catalog: CatalogService;
  reader: UrlReaderService;
  scaffolder: ScaffolderService;
}) {
  let releases: TemplateReleases | undefined | null;
  const renderActions =
    options.config.getOptionalStringArray(`${UPGRADES_CONFIG}.renderActions`) ??
    DEFAULT_RENDER_ACTIONS;
  return createTemplateAction({
    id: 'paved-road:template:upgrade',
    description:
      "Upgrades a golden-path service to a newer release of its template: renders both releases with the service's recorded answers and merges the difference into its repository three ways",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The service to upgrade, e.g. component:default/orders-api',
            ),
        targetVersion: z =>
          z
            .string()
            .optional()
            .describe(
              "Defaults to the template's current version in the catalog",
            ),
        values: z =>
          z
            .record(z.unknown())
            .optional()
            .describe(
              'Values for inputs the target version added (they take their defaults otherwise)',
            ),
        targetPath: z =>
          z
            .string()
            .default('.')
            .describe('Workspace folder to write the upgraded repository to'),
      },
      output: {
        templateRef: z => z.string(),
        fromVersion: z => z.string(),
        toVersion: z => z.string(),
        upToDate: z => z.boolean().describe('Already on the target version'),
        changes: z =>
          z.array(
            z.object({
              path: z.string(),
              change: z.enum(['added', 'modified', 'removed', 'renamed']),
              from: z.string().optional(),
              conflict: z.boolean(),
            }),
          ),
        changedFiles: z => z.array(z.string()),
        removedFiles: z => z.array(z.string()).describe('For filesToDelete'),
        conflicts: z =>
          z.array(
            z.object({
              path: z.string(),
              kind: z.string(),
              message: z.string(),
            }),
          ),
        diff: z => z.string(),
        upgradeNotes: z => z.string(),
        branchName: z => z.string(),
        title: z => z.string().describe('Pull request title'),
        description: z => z.string().describe('Pull request body (Markdown)'),
        repository: z =>
          z.string().describe('Where the repository was read from'),
        repoUrl: z =>
          z
            .string()
            .optional()
            .describe(
              'For publish:github:pull-request, when the repository is on GitHub',
            ),
        localRepository: z =>
          z
            .string()
            .optional()
            .describe(
              'For paved-road:publish:local-branch, when the repository is local',
            ),
      },
    },
    async handler(ctx) {
      if (releases === undefined) {
        releases = releasesFromConfig(options.config, options.reader) ?? null;
      }
      if (!releases) {
        throw new InputError(
          `paved-road:template:upgrade needs '${UPGRADES_CONFIG}.releases' (where released templates are read from)`,
        );
      }
      const { values, targetPath = '.' } = ctx.input;
      const entityRef = parseEntityRefInput(
        ctx.input.entityRef,
        'input.entityRef',
        {
          defaultKind: 'component',
        },
      );
      const credentials = await ctx.getInitiatorCredentials();
      const entity = await options.catalog.getEntityByRef(entityRef, {
        credentials,
      });
      if (!entity) {
        throw new NotFoundError(
          `input.entityRef: ${entityRef} is not in the catalog`,
        );
      }
      const annotations = entity.metadata.annotations ?? {};
      const repository = await readServiceRepository(
        entity,
        entityRef,
        options.reader,
      );
      const answers = readAnswers(repository.files, repository.where, {
        entityRef,
        templateRef: annotations[PAVED_ROAD_ANNOTATIONS.sourceTemplate],
        version: annotations[PAVED_ROAD_ANNOTATIONS.templateVersion],
      });

      const toVersion = await targetVersion({
        given: ctx.input.targetVersion,
        field: 'input.targetVersion',
        templateRef: answers.template,
        catalog: options.catalog,
        credentials,
      });

      const plan = await planUpgrade({
        repository: repository.files,
        answers,
        toVersion,
        values,
        releases,
        render: (release, renderValues) =>
          renderRelease({
            scaffolder: options.scaffolder,
            credentials,
            release,
            templateRef: answers.template,
            values: renderValues,
            renderActions,
          }),
      });

      const target = resolveInputPath(
        ctx.workspacePath,
        targetPath,
        'input.targetPath',
      );
      await fs.mkdir(target, { recursive: true });
      for (const [file, { content, executable }] of plan.files) {
        const out = resolveInputPath(target, file, 'repository file');
        await fs.mkdir(path.dirname(out), { recursive: true });
        await fs.writeFile(out, content, { mode: executable ? 0o755 : 0o644 });
      }
      for (const conflict of plan.conflicts) {
        ctx.logger.warn(`Conflict: ${conflict.message}`);
      }
      ctx.logger.info(
        plan.upToDate
          ? `${entityRef} is already on ${plan.templateName} ${plan.toVersion}`
          : `${entityRef}: ${plan.templateName} ${plan.fromVersion} -> ${plan.toVersion}, ${plan.changes.length} files changed, ${plan.conflicts.length} conflicts`,
      );

      const text = pullRequestText(plan, entityRef);
      ctx.output('templateRef', plan.templateRef);
      ctx.output('fromVersion', plan.fromVersion);
      ctx.output('toVersion', plan.toVersion);
      ctx.output('upToDate', plan.upToDate);
      ctx.output('changes', plan.changes);
      ctx.output(
        'changedFiles',
        plan.changes.filter(c => c.change !== 'removed').map(c => c.path),
      );
      ctx.output('removedFiles', plan.removedFiles);
      ctx.output('conflicts', plan.conflicts);
      ctx.output('diff', plan.diff);
      ctx.output('upgradeNotes', plan.upgradeNotes);
      ctx.output(
        'branchName',
        `paved-road/upgrade-${plan.templateName}-${plan.toVersion}`,
      );
      ctx.output('title', text.title);
      ctx.output('description', text.description);
      ctx.output('repository', repository.where);
      const github = repository.url?.match(
        /^https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?(?:\/|$)/,
      );
      if (github) {
        ctx.output(
          'repoUrl',
          `github.com?owner=${github[1]}&repo=${github[2]}`,
        );
      }
      if (repository.local) ctx.output('localRepository', repository.local.dir);
    },
  });
}
