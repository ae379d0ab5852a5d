/*
 * The services of the template-upgrade benchmark: repositories made from api-service
 * 2.4.0, as the upgrade test makes them (src/upgrade/__testUtils__/upgradeHarness.ts,
 * `renderFresh` and `createRepository`): the release rendered through the scaffolder's
 * dry-run endpoint with the service's form values (the steps that write files, as an
 * upgrade renders a release), the answers file added where the release did not write
 * one, written to a folder and committed as a new git repository on branch main.
 *
 * Every service is rendered on its own, not copied from one render per option set with
 * its name substituted: the name is in most of the files (lockfile, manifests, dashboard,
 * docs), so a copy would have to be shown equal to a real render, which costs the render
 * it would save.
 */
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  ANSWERS_PATH,
  stringifyAnswers,
} from '../plugins/scaffolder-backend-module-paved-road/src/upgrade/answers';
import { git } from '../plugins/scaffolder-backend-module-paved-road/src/upgrade/git';
import type { FileTree } from '../plugins/scaffolder-backend-module-paved-road/src/upgrade/merge/types';
import {
  GitRepositoryReleases,
  TemplateRelease,
} from '../plugins/scaffolder-backend-module-paved-road/src/upgrade/releases';
import { renderRelease } from '../plugins/scaffolder-backend-module-paved-road/src/upgrade/render';
import { BenchBackend } from './backend';
import { TEAMS } from './templateUpgradeBackend';

export const TEMPLATE = 'api-service';
export const FROM_VERSION = '2.4.0';

/** The choices of api-service that change what is generated. */
export const OPTION_SETS = ['typescript', 'python'].flatMap(language =>
  [false, true].flatMap(needsDatabase =>
    [false, true].map(needsQueue => ({ language, needsDatabase, needsQueue })),
  ),
);

export interface PlannedService {
  name: string;
  team: string;
  options: (typeof OPTION_SETS)[number];
}

/** `count` services, spread evenly over the option sets and the teams. */
export function plannedServices(count: number): PlannedService[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `bench-svc-${String(i + 1).padStart(4, '0')}`,
    team: TEAMS[Math.floor(i / OPTION_SETS.length) % TEAMS.length],
    options: OPTION_SETS[i % OPTION_SETS.length],
  }));
}

/** What a product engineer submitted: the release's form defaults, then the answers. */
function formValues(release: TemplateRelease, service: PlannedService) {
  const values: Record<string, unknown> = {};
  for (const page of [release.template.spec?.parameters ?? []].flat()) {
    for (const [key, prop] of Object.entries<any>(page.properties ?? {})) {
      if (prop?.default !== undefined) values[key] = prop.default;
    }
  }
  return {
    ...values,
    name: service.name,
    description: `Benchmark service ${service.name}, made from the API service golden path.`,
    owner: `group:default/${service.team}`,
    system: `system:default/${service.team}`,
    lifecycle: 'production',
    publishTarget: 'local',
    ...service.options,
  };
}

async function writeRepository(dir: string, tree: FileTree) {
  for (const [file, { content, executable }] of tree) {
    const target = path.join(dir, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content, { mode: executable ? 0o755 : 0o644 });
  }
  await git(['init', '--quiet', '--initial-branch', 'main'], { cwd: dir });
  await git(['add', '--all'], { cwd: dir });
  await git(
    [
      '-c',
      'user.name=Benchmark',
      '-c',
      'user.email=bench@example.com',
      'commit',
      '--quiet',
      '-m',
      'Initial commit from a Paved Road golden path',
    ],
    { cwd: dir },
  );
}

/**
 * Renders each service through `backend`'s dry-run endpoint and commits it to
 * `<reposDir>/<name>`, `parallel` at a time. Returns the number of files per repository.
 */
export async function makeServices(options: {
  backend: BenchBackend;
  releasesGitDir: string;
  reposDir: string;
  services: PlannedService[];
  parallel: number;
}): Promise<number[]> {
  const release = await new GitRepositoryReleases({
    gitDir: options.releasesGitDir,
  }).read(TEMPLATE, FROM_VERSION);
  const scaffolder = {
    dryRun: (body: unknown) =>
      options.backend.request('/api/scaffolder/v2/dry-run', {
        method: 'POST',
        body: JSON.stringify(body),
      }),
  } as unknown as ScaffolderService;
  const templateRef = `template:default/${TEMPLATE}`;
  const queue = [...options.services];
  const files: number[] = [];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      const values = formValues(release, s);
      const tree = await renderRelease({
        scaffolder,
        credentials: {} as BackstageCredentials, // the token is the benchmark's own
        release,
        templateRef,
        values,
      });
      if (!tree.has(ANSWERS_PATH)) {
        const answers = {
          template: templateRef,
          version: FROM_VERSION,
          values,
        };
        tree.set(ANSWERS_PATH, {
          content: Buffer.from(stringifyAnswers(answers)),
        });
      }
      await writeRepository(path.join(options.reposDir, s.name), tree);
      files.push(tree.size);
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, worker));
  return files;
}
