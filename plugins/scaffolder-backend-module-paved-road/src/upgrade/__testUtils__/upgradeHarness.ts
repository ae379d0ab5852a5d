import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';

import {
  BackendFeature,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { runTemplateTask } from '../../__testUtils__/actionTask';
import { startScaffolder } from '../../templates/__testUtils__/scaffolderHarness';
import {
  loadGoldenPaths,
  templatesDir,
} from '../../templates/__testUtils__/goldenPaths';
import yaml from 'yaml';
import { ANSWERS_PATH, stringifyAnswers } from '../answers';
import { git } from '../git';
import type { FileTree } from '../merge';
import { GitRepositoryReleases } from '../releases';
import type { RenderFn } from '../plan';
import { renderRelease } from '../render';

const repoRoot = resolvePackagePath(
  '@paved-road/backstage-plugin-scaffolder-backend-module',
  '../..',
);

/** Builds the release repository (scripts/template-releases.mjs) into a temporary folder. */
export async function buildReleases(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-releases-'));
  const gitDir = path.join(dir, 'releases.git');
  await promisify(execFile)(process.execPath, [
    path.join(repoRoot, 'scripts', 'template-releases.mjs'),
    gitDir,
  ]);
  return gitDir;
}

/** The template that upgrades `parameters.entity` and commits it to a local branch. */
export const upgradeTemplate: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'upgrade-test', namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'group:default/platform',
    parameters: [
      {
        type: 'object',
        properties: {
          entity: { type: 'string' },
          targetVersion: { type: 'string' },
        },
      },
    ],
    steps: [
      {
        id: 'upgrade',
        name: 'Upgrade',
        action: 'paved-road:template:upgrade',
        input: {
          entityRef: '${{ parameters.entity }}',
          targetVersion: '${{ parameters.targetVersion }}',
          targetPath: 'repository',
        },
      },
      {
        id: 'branch',
        name: 'Commit to a branch',
        action: 'paved-road:publish:local-branch',
        if: '${{ not steps.upgrade.output.upToDate }}',
        input: {
          repository: '${{ steps.upgrade.output.localRepository }}',
          branchName: '${{ steps.upgrade.output.branchName }}',
          title: '${{ steps.upgrade.output.title }}',
          description: '${{ steps.upgrade.output.description }}',
          sourcePath: 'repository',
        },
      },
    ],
    output: {
      upgrade: '${{ steps.upgrade.output }}',
      branch: '${{ steps.branch.output }}',
    },
  },
};

/** A catalog entry for a service whose repository is `dir` (a file location). */
export function serviceEntity(
  name: string,
  dir: string,
  template: string,
  version: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `file:${path.join(
          dir,
          'catalog-info.yaml',
        )}`,
        'backstage.io/source-template': `template:default/${template}`,
        'backstage.io/template-version': version,
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/checkout',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/checkout' }],
  };
}

/**
 * A backend with the scaffolder, the Paved Road module, the golden-path templates, the
 * upgrade template and `entities` in its catalog, reading releases from `releasesGitDir`
 * and publishing local branches under `reposDir`.
 */
export async function startUpgradeServer(options: {
  releasesGitDir: string;
  reposDir: string;
  entities: Entity[];
  features?: BackendFeature[];
}) {
  const goldenPaths = await loadGoldenPaths();
  const upgradeTemplates = await Promise.all(
    ['upgrade-service.yaml', 'upgrade-services.yaml'].map(async file => {
      const t = yaml.parse(
        await fs.readFile(path.join(templatesDir, file), 'utf8'),
      );
      return { ...t, metadata: { namespace: 'default', ...t.metadata } };
    }),
  );
  return startScaffolder({
    reposDir: options.reposDir,
    features: options.features,
    entities: [
      ...(goldenPaths.map(g => ({
        ...g.template,
        metadata: { namespace: 'default', ...g.template.metadata },
      })) as Entity[]),
      upgradeTemplate,
      ...upgradeTemplates,
      ...options.entities,
    ],
    config: {
      pavedRoad: {
        publishLocal: { directory: options.reposDir },
        templateUpgrades: {
          releases: { gitRepository: options.releasesGitDir },
        },
      },
    },
  });
}

type Server = Awaited<ReturnType<typeof startUpgradeServer>>;

/** The scaffolder's dry-run, as the action calls it, over HTTP to `server`. */
export function scaffolderOver(server: Server): ScaffolderService {
  return {
    async dryRun(body: any) {
      const res = await request(server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header())
        .send(body);
      if (res.status !== 200) {
        throw new Error(
          `dry-run answered ${res.status}: ${JSON.stringify(res.body)}`,
        );
      }
      return res.body;
    },
  } as unknown as ScaffolderService;
}

/** The render the upgrade plans with: `server`'s dry-run, as a user. */
export function renderWith(server: Server): RenderFn {
  return (release, values) =>
    renderRelease({
      scaffolder: scaffolderOver(server),
      credentials: mockCredentials.user(),
      release,
      templateRef: `template:default/${release.name}`,
      values,
    });
}

/**
 * The release repository built from templates/releases.yaml, a backend that renders from
 * it, and the render `planUpgrade` takes.
 */
export async function startReleaseHarness() {
  const releasesGitDir = await buildReleases();
  const server = await startUpgradeServer({
    releasesGitDir,
    reposDir: await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-repos-')),
    entities: [],
  });
  return {
    releasesGitDir,
    releases: new GitRepositoryReleases({ gitDir: releasesGitDir }),
    server,
    render: renderWith(server),
  };
}

/**
 * Renders `template` at `version` with `values` as a fresh scaffold would (the answers
 * file included, written by hand for releases that did not write one).
 */
export async function renderFresh(
  server: Server,
  releasesGitDir: string,
  template: string,
  version: string,
  values: Record<string, unknown>,
): Promise<FileTree> {
  const release = await new GitRepositoryReleases({
    gitDir: releasesGitDir,
  }).read(template, version);
  const tree = await renderWith(server)(release, values);
  if (!tree.has(ANSWERS_PATH)) {
    tree.set(ANSWERS_PATH, {
      content: Buffer.from(
        stringifyAnswers({
          template: `template:default/${template}`,
          version,
          values,
        }),
      ),
    });
  }
  return tree;
}

/** Writes every file of `tree` below `dir`, with its executable bit. */
export async function writeTree(dir: string, tree: FileTree) {
  for (const [file, { content, executable }] of tree) {
    const target = path.join(dir, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content, { mode: executable ? 0o755 : 0o644 });
  }
}

/** Writes `tree` to `dir` and commits it as a new repository on branch main. */
export async function createRepository(dir: string, tree: FileTree) {
  await fs.rm(dir, { recursive: true, force: true });
  await writeTree(dir, tree);
  await git(['init', '--quiet', '--initial-branch', 'main'], { cwd: dir });
  await commitAll(dir, 'Initial commit from a Paved Road golden path');
}

/** Commits everything in the working copy. */
export async function commitAll(dir: string, message: string) {
  await git(['add', '--all'], { cwd: dir });
  await git(
    [
      '-c',
      'user.name=Test',
      '-c',
      'user.email=test@example.com',
      'commit',
      '--quiet',
      '-m',
      message,
    ],
    { cwd: dir },
  );
}

/** Runs a template (the test's upgrade template by default) as a real task; resolves with its end. */
export function runUpgradeTask(
  server: Server,
  values: Record<string, unknown>,
  templateRef = 'template:default/upgrade-test',
) {
  return runTemplateTask(server, templateRef, values);
}
