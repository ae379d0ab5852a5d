import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import {
  loadGoldenPaths,
  templatesDir,
} from '../templates/__testUtils__/goldenPaths';
import type { FileTree } from './merge';
import { planUpgrade, readAnswers } from './plan';
import { startReleaseHarness } from './__testUtils__/upgradeHarness';

jest.setTimeout(600_000);

const examplesDir = resolvePackagePath(
  '@paved-road/backstage-plugin-scaffolder-backend-module',
  '../../examples',
);
const SOURCE = 'backstage.io/source-template';
const VERSION = 'backstage.io/template-version';

type Doc = {
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
};

/** Every entity of the example organisation, with the file it is defined in. */
async function exampleEntities() {
  const files = [
    ...(await fs.readdir(examplesDir))
      .filter(f => f.endsWith('.yaml'))
      .map(f => path.join(examplesDir, f)),
    ...(await fs.readdir(path.join(examplesDir, 'repos'))).map(r =>
      path.join(examplesDir, 'repos', r, 'catalog-info.yaml'),
    ),
  ];
  const entities: Array<{ file: string; doc: Doc }> = [];
  for (const file of files) {
    for (const doc of yaml.parseAllDocuments(await fs.readFile(file, 'utf8'))) {
      entities.push({ file, doc: doc.toJS() as Doc });
    }
  }
  return entities;
}

/** Every file of an example repository. */
async function readTree(dir: string, prefix = ''): Promise<FileTree> {
  const tree: FileTree = new Map();
  for (const entry of await fs.readdir(path.join(dir, prefix), {
    withFileTypes: true,
  })) {
    const rel = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) {
      for (const [p, f] of await readTree(dir, rel)) tree.set(p, f);
    } else {
      const abs = path.join(dir, rel);
      const { mode } = await fs.stat(abs);
      tree.set(rel, {
        content: await fs.readFile(abs),
        executable: (mode & 0o111) !== 0,
      });
    }
  }
  return tree;
}

describe('the example organisation', () => {
  it('points every golden-path service at a released template version', async () => {
    const manifest = yaml.parse(
      await fs.readFile(path.join(templatesDir, 'releases.yaml'), 'utf8'),
    );
    const released = new Map<string, Set<string>>();
    for (const { name, template } of await loadGoldenPaths()) {
      released.set(
        `template:default/${name}`,
        new Set([
          ...Object.keys(manifest[name] ?? {}),
          template.metadata.annotations[VERSION],
        ]),
      );
    }
    const unreleased = [];
    let checked = 0;
    for (const { file, doc } of await exampleEntities()) {
      const annotations = doc.metadata?.annotations ?? {};
      const versions = released.get(annotations[SOURCE]);
      if (doc.kind !== 'Component' || !versions) continue;
      checked += 1;
      if (!versions.has(annotations[VERSION])) {
        unreleased.push(
          `${doc.metadata?.name} (${path.relative(examplesDir, file)}): ${
            annotations[SOURCE]
          } ${annotations[VERSION]}`,
        );
      }
    }
    expect(unreleased).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  describe('repositories made from a golden path', () => {
    let harness: Awaited<ReturnType<typeof startReleaseHarness>>;

    beforeAll(async () => {
      harness = await startReleaseHarness();
    });

    it('carry their answers and upgrade to the latest release keeping the teams’ edits', async () => {
      const { releases, render } = harness;
      const latest = new Map(
        (await loadGoldenPaths()).map(g => [
          `template:default/${g.name}`,
          g.template.metadata.annotations[VERSION],
        ]),
      );
      const upgraded: Record<string, unknown> = {};
      const reposDir = path.join(examplesDir, 'repos');
      for (const name of (await fs.readdir(reposDir)).sort()) {
        const repository = await readTree(path.join(reposDir, name));
        const catalog = yaml.parse(
          repository.get('catalog-info.yaml')!.content.toString('utf8'),
        );
        const annotations = catalog.metadata.annotations ?? {};
        if (!annotations[SOURCE]) continue;
        const answers = readAnswers(repository, `examples/repos/${name}`, {
          entityRef: `component:default/${name}`,
          templateRef: annotations[SOURCE],
          version: String(annotations[VERSION]),
        });
        const plan = await planUpgrade({
          repository,
          answers,
          toVersion: latest.get(annotations[SOURCE])!,
          releases,
          render,
        });
        const files = new Map(
          [...plan.files].map(([p, f]) => [p, f.content.toString('utf8')]),
        );
        const upgradedCatalog = yaml.parse(files.get('catalog-info.yaml')!);
        upgraded[name] = {
          conflicts: plan.conflicts.map(c => `${c.path}: ${c.kind}`),
          version: upgradedCatalog.metadata.annotations[VERSION],
          // The team's catalog edits survive the upgrade.
          title: upgradedCatalog.metadata.title,
          repoPath:
            upgradedCatalog.metadata.annotations['paved-road.io/repo-path'],
        };
      }
      expect(upgraded).toEqual({
        'orders-api': {
          conflicts: [],
          version: '2.5.0',
          title: 'Orders API',
          repoPath: 'examples/repos/orders-api',
        },
        // The Payments team deleted the failure-modes page, which the upgrade changes:
        // the upgrade writes the new page and lists the conflict for the team to decide.
        'payments-api': {
          conflicts: ['docs/failure-modes.md: removed-modified'],
          version: '2.5.0',
          title: 'Payments API',
          repoPath: 'examples/repos/payments-api',
        },
        'search-indexer': {
          conflicts: [],
          version: '1.6.0',
          title: 'Search Indexer',
          repoPath: 'examples/repos/search-indexer',
        },
      });
    });
  });
});
