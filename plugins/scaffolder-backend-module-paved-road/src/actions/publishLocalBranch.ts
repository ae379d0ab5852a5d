import { ConflictError, InputError } from '@backstage/errors';
import { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveInputPath } from '../lib/inputs';
import { commitTree, git, readGitTree, resolveCommit } from '../upgrade/git';
import type { FileTree } from '../upgrade/merge';
import { examples } from './publishLocalBranch.examples';

const CONFIG_KEY = 'pavedRoad.publishLocal.directory';
const BRANCH_NAME =
  /^(?!.*(?:\.\.|\/\/|\/\.|@\{|\.lock$|\.lock\/|[./]$))[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$/;

/** Every file below `dir`, as repository-relative paths. */
async function readFolder(dir: string): Promise<FileTree> {
  const tree: FileTree = new Map();
  async function walk(current: string) {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') await walk(full);
      } else if (entry.isFile()) {
        const stat = await fs.stat(full);
        tree.set(path.relative(dir, full).split(path.sep).join('/'), {
          content: await fs.readFile(full),
          executable: (stat.mode & 0o100) !== 0,
        });
      }
    }
  }
  await walk(dir);
  return tree;
}

const sameTree = (a: FileTree, b: FileTree) =>
  a.size === b.size &&
  [...a].every(([p, f]) => b.get(p)?.content.equals(f.content));

/**
 * `paved-road:publish:local-branch`: the offline counterpart of
 * `publish:github:pull-request`. Commits a workspace folder as the complete tree of a new
 * branch of a local repository (one under `pavedRoad.publishLocal.directory`), on top of
 * its current branch, leaving the working copy alone.
 *
 * @public
 */
export function createPublishLocalBranchAction(options: { config: Config }) {
  const configured = options.config.getOptionalString(CONFIG_KEY);
  return createTemplateAction({
    id: 'paved-road:publish:local-branch',
    description:
      'Commits the workspace as a new branch of a local repository (offline instances): the local counterpart of publish:github:pull-request',
    examples,
    schema: {
      input: {
        repository: z =>
          z.string().describe(`The repository's folder, under ${CONFIG_KEY}`),
        branchName: z => z.string().describe('The branch to create'),
        title: z => z.string().describe("The commit's subject"),
        description: z => z.string().optional().describe("The commit's body"),
        sourcePath: z =>
          z
            .string()
            .default('.')
            .describe('Workspace folder holding the complete new tree'),
      },
      output: {
        branchName: z => z.string(),
        commit: z => z.string(),
        baseBranch: z => z.string(),
        remoteUrl: z => z.string().describe('file:// URL of the repository'),
        existing: z =>
          z.boolean().describe('The branch already held exactly this change'),
      },
    },
    async handler(ctx) {
      if (!configured) {
        throw new InputError(
          `paved-road:publish:local-branch needs the config key '${CONFIG_KEY}' (the folder local repositories live in)`,
        );
      }
      const { branchName, title, description, sourcePath = '.' } = ctx.input;
      if (!BRANCH_NAME.test(branchName)) {
        throw new InputError(
          `input.branchName: '${branchName}' is not a valid branch name`,
        );
      }
      const root = await fs.realpath(path.resolve(configured)).catch(() => {
        throw new InputError(
          `The folder configured as '${CONFIG_KEY}' does not exist`,
        );
      });
      const dir = await fs.realpath(ctx.input.repository).catch(() => {
        throw new InputError(
          `input.repository: '${ctx.input.repository}' does not exist`,
        );
      });
      if (path.dirname(dir) !== root) {
        throw new InputError(
          `input.repository: '${ctx.input.repository}' is not a repository in the folder configured as '${CONFIG_KEY}'`,
        );
      }
      const gitDir = path.join(dir, '.git');
      const baseBranch = (
        await git(['symbolic-ref', '--short', 'HEAD'], { cwd: dir }).catch(
          () => {
            throw new InputError(
              `input.repository: '${ctx.input.repository}' is not a git repository on a branch`,
            );
          },
        )
      )
        .toString()
        .trim();
      const source = resolveInputPath(
        ctx.workspacePath,
        sourcePath,
        'input.sourcePath',
      );
      const files = await readFolder(source);
      const head = (await resolveCommit(gitDir, 'HEAD'))!;
      const existing = await resolveCommit(gitDir, `refs/heads/${branchName}`);
      let commit: string;
      if (existing) {
        if (!sameTree(await readGitTree(gitDir, existing), files)) {
          throw new ConflictError(
            `input.branchName: branch '${branchName}' already exists in ${path.basename(
              dir,
            )} with other changes: merge or delete it first`,
          );
        }
        commit = existing;
      } else {
        const author =
          ctx.user?.entity?.spec?.profile?.displayName ?? 'Paved Road';
        const email =
          ctx.user?.entity?.spec?.profile?.email ??
          'scaffolder@paved-road.local';
        commit = await commitTree({
          gitDir,
          parent: head,
          branch: branchName,
          files,
          message: `${title}\n${description ? `\n${description}\n` : ''}`,
          author: { name: author, email },
        });
      }
      ctx.output('branchName', branchName);
      ctx.output('commit', commit);
      ctx.output('baseBranch', baseBranch);
      ctx.output('remoteUrl', `file://${dir}`);
      ctx.output('existing', Boolean(existing));
    },
  });
}
