import {
  AuthService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, isError } from '@backstage/errors';
import {
  CatalogService,
  locationSpecToMetadataName,
} from '@backstage/plugin-catalog-node';
import {
  createTemplateAction,
  executeShellCommand,
} from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import {
  describeFsFailure,
  resolveInputPath,
  workspaceFsError,
} from '../lib/inputs';
import { examples } from './publishLocal.examples';

const REPO_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
/**
 * A branch name `git init --initial-branch` takes (git check-ref-format, conservatively):
 * no leading dash, no `..`, `//`, `/.`, `@{`, no trailing `/`, `.` or `.lock`.
 */
const BRANCH_NAME =
  /^(?!.*(?:\.\.|\/\/|\/\.|@\{|\.lock$|\.lock\/|[./]$))[A-Za-z0-9_][A-Za-z0-9._/-]{0,99}$/;
const CONFIG_KEY = 'pavedRoad.publishLocal.directory';

/**
 * `paved-road:publish:local`: for an offline Backstage (the dev instance), writes the
 * generated repository to a configured folder as a git repository and has the catalog
 * pick up its entity, so the Create-page flow works end to end without GitHub.
 *
 * @public
 */
export function createPublishLocalAction(options: {
  config: Config;
  catalog: CatalogService;
  auth: AuthService;
}) {
  const configured = options.config.getOptionalString(CONFIG_KEY);
  return createTemplateAction({
    id: 'paved-road:publish:local',
    description:
      'Writes the generated repository to a local folder as a git repository and registers its entity with the catalog (offline instances)',
    examples,
    schema: {
      input: {
        repoName: z => z.string().describe('Name of the repository folder'),
        sourcePath: z =>
          z.string().default('.').describe('Workspace folder to publish'),
        defaultBranch: z =>
          z
            .string()
            .regex(BRANCH_NAME)
            .default('main')
            .describe('Branch of the initial commit'),
      },
      output: {
        remoteUrl: z => z.string().describe('file:// URL of the repository'),
        repoContentsUrl: z => z.string(),
        catalogInfoUrl: z => z.string(),
        entityRef: z => z.string().describe('The entity in catalog-info.yaml'),
      },
    },
    async handler(ctx) {
      if (!configured) {
        throw new InputError(
          `paved-road:publish:local needs the config key '${CONFIG_KEY}' (the folder to publish to)`,
        );
      }
      // Defaults applied here: the scaffolder hands over the raw, schema-validated input.
      const { repoName, sourcePath = '.', defaultBranch = 'main' } = ctx.input;
      if (!REPO_NAME.test(repoName)) {
        throw new InputError(
          `input.repoName: '${repoName}' must be lowercase letters, digits, '.', '_' or '-'`,
        );
      }
      const root = path.resolve(configured);
      await fs.mkdir(root, { recursive: true }).catch(error => {
        // Named by its config key: the server's path is not the template user's to see.
        throw new Error(
          `paved-road:publish:local cannot create the folder configured as '${CONFIG_KEY}'${describeFsFailure(
            error,
          )}`,
        );
      });
      const target = resolveSafeChildPath(root, repoName);
      const source = resolveInputPath(
        ctx.workspacePath,
        sourcePath,
        'input.sourcePath',
      );

      const catalogText = await fs
        .readFile(path.join(source, 'catalog-info.yaml'), 'utf8')
        .catch(() => {
          throw new InputError(
            `input.sourcePath: '${sourcePath}' has no catalog-info.yaml`,
          );
        });
      const entity = yaml.parseAllDocuments(catalogText)[0]?.toJS();
      if (!entity?.kind || !entity?.metadata?.name) {
        throw new InputError(
          `${sourcePath}/catalog-info.yaml does not start with an entity`,
        );
      }
      const entityRef = stringifyEntityRef({
        kind: entity.kind,
        namespace: entity.metadata.namespace ?? 'default',
        name: entity.metadata.name,
      });

      // The catalog reads <directory>/*/catalog-info.yaml through a file location.
      // Refreshing that location before writing proves it exists (so nothing is written
      // that the catalog would never see); refreshing it after makes the new entity
      // appear now rather than at the next processing cycle.
      const pattern = path.join(root, '*', 'catalog-info.yaml');
      const locationRef = `location:default/${locationSpecToMetadataName({
        type: 'file',
        target: pattern,
      })}`;
      const credentials = await options.auth.getOwnServiceCredentials();
      const refreshLocation = async () => {
        try {
          await options.catalog.refreshEntity(locationRef, { credentials });
        } catch (error) {
          if (isError(error) && error.name === 'NotFoundError') {
            throw new InputError(
              `The catalog has no location for ${pattern}; add it under catalog.locations (type: file) so published repositories are registered`,
            );
          }
          throw error;
        }
      };
      await refreshLocation();

      await ctx.checkpoint({
        key: `paved-road.publish-local.${repoName}`,
        fn: async () => {
          if (
            await fs.stat(target).then(
              () => true,
              () => false,
            )
          ) {
            throw new ConflictError(
              `input.repoName: a repository '${repoName}' already exists in the folder repositories are published to`,
            );
          }
          await fs.cp(source, target, { recursive: true }).catch(error => {
            throw workspaceFsError(error, {
              field: 'input.sourcePath',
              value: sourcePath,
              workspacePath: ctx.workspacePath,
              doing: 'could not be copied to the repository',
            });
          });
          const git = (...args: string[]) =>
            executeShellCommand({
              command: 'git',
              args,
              options: { cwd: target },
              logger: ctx.logger,
            });
          const author =
            ctx.user?.entity?.spec?.profile?.displayName ?? 'Paved Road';
          const email =
            ctx.user?.entity?.spec?.profile?.email ??
            'scaffolder@paved-road.local';
          await git('init', '--quiet', '--initial-branch', defaultBranch);
          await git('add', '--all');
          await git(
            '-c',
            `user.name=${author}`,
            '-c',
            `user.email=${email}`,
            'commit',
            '--quiet',
            '-m',
            'Initial commit from a Paved Road golden path',
          );
        },
      });

      await ctx.checkpoint({
        key: `paved-road.publish-local.refresh.${repoName}`,
        fn: refreshLocation,
      });

      const url = `file://${target}`;
      ctx.output('remoteUrl', url);
      ctx.output('repoContentsUrl', url);
      ctx.output('catalogInfoUrl', `${url}/catalog-info.yaml`);
      ctx.output('entityRef', entityRef);
    },
  });
}
