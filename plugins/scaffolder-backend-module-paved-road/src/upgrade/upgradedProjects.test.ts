import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import yaml from 'yaml';
import { formValues } from '../templates/__testUtils__/scaffolderHarness';
import {
  loadGoldenPaths,
  templatesDir,
} from '../templates/__testUtils__/goldenPaths';
import { projects, runOwnTests } from '../templates/__testUtils__/projectTests';
import { ANSWERS_PATH, parseAnswers } from './answers';
import type { FileTree } from './merge';
import { planUpgrade } from './plan';
import {
  renderFresh,
  startReleaseHarness,
  writeTree,
} from './__testUtils__/upgradeHarness';
import {
  CONFIG_EDITS,
  MARKER_FILE,
  README_EDIT,
  TeamEdit,
  teamCode,
} from './__testUtils__/teamChanges';

jest.setTimeout(30 * 60_000);

const utf8 = (tree: FileTree, file: string) =>
  tree.get(file)?.content.toString('utf8');

/**
 * One project per golden path and language (or kind), as projects.test.ts builds them, but
 * scaffolded from the oldest earlier release, changed the way a team changes its service,
 * then upgraded to the current release: the upgraded project installs, builds and passes
 * its own tests, the team's test among them.
 */
describe('services upgraded from the oldest release', () => {
  let harness: Awaited<ReturnType<typeof startReleaseHarness>>;

  beforeAll(async () => {
    harness = await startReleaseHarness();
  });

  it('keep the team changes and pass their own tests, the team test among them', async () => {
    const { server, releases, releasesGitDir, render } = harness;
    const manifest = yaml.parse(
      await fs.readFile(path.join(templatesDir, 'releases.yaml'), 'utf8'),
    );
    const passed: string[] = [];
    const configEdited: string[] = [];
    for (const goldenPath of await loadGoldenPaths()) {
      const latest =
        goldenPath.template.metadata.annotations[
          'backstage.io/template-version'
        ];
      const [oldest] = Object.keys(manifest[goldenPath.name] ?? {})
        .filter(v => v !== latest)
        .sort(semver.compare);
      expect({ template: goldenPath.name, oldest }).toEqual({
        template: goldenPath.name,
        oldest: expect.any(String),
      });
      const old = {
        ...goldenPath,
        template: (await releases.read(goldenPath.name, oldest)).template,
      };
      // The options of the old release: every one switched on, per language or kind.
      for (const { options } of projects([old])) {
        const label = `${
          goldenPath.name
        } ${oldest} -> ${latest} ${JSON.stringify(options)}`;
        const repository = await renderFresh(
          server,
          releasesGitDir,
          goldenPath.name,
          oldest,
          formValues(old, options),
        );
        const answers = parseAnswers(utf8(repository, ANSWERS_PATH)!, label);
        const upgrade = { answers, toVersion: latest, releases, render };
        const untouched = await planUpgrade({ ...upgrade, repository });

        // The team's changes: (a) the README, (b) its own code and test importing the
        // generated code, (c) generated configuration the upgrade changes too. A project
        // with no such file gets no (c): every CONFIG_EDITS file is left as generated.
        const team = teamCode(repository.keys(), label);
        const edits: TeamEdit[] = [README_EDIT];
        for (const edit of CONFIG_EDITS) {
          const before = utf8(repository, edit.path);
          if (before === undefined) continue;
          if (before === utf8(untouched.files, edit.path)) continue;
          if (edit.edit(before) === undefined) continue;
          edits.push(edit);
        }
        const edited = new Map(repository);
        for (const edit of edits) {
          edited.set(edit.path, {
            ...repository.get(edit.path)!,
            content: Buffer.from(edit.edit(utf8(repository, edit.path)!)!),
          });
        }
        for (const [file, content] of Object.entries(team.files)) {
          // The team's own files: neither release generates them.
          expect({ label, file, generated: repository.has(file) }).toEqual({
            label,
            file,
            generated: false,
          });
          edited.set(file, { content: Buffer.from(content) });
        }

        const upgraded = await planUpgrade({ ...upgrade, repository: edited });
        expect({ label, conflicts: upgraded.conflicts }).toEqual({
          label,
          conflicts: [],
        });
        for (const edit of edits) {
          expect({
            label,
            edit: edit.description,
            content: utf8(upgraded.files, edit.path),
          }).toEqual({
            label,
            edit: edit.description,
            content: edit.edit(utf8(untouched.files, edit.path)!),
          });
        }
        for (const [file, content] of Object.entries(team.files)) {
          expect({ label, file, content: utf8(upgraded.files, file) }).toEqual({
            label,
            file,
            content,
          });
        }

        const dir = await fs.mkdtemp(
          path.join(os.tmpdir(), `paved-road-upgraded-${goldenPath.name}-`),
        );
        await writeTree(dir, upgraded.files);
        try {
          await runOwnTests(dir, upgraded.files.keys(), label);
        } catch (error) {
          throw new Error(
            `${label}: the upgraded project (kept in ${dir}) fails: ${
              (error as Error).message
            }`,
          );
        }
        // The team's test ran and passed: it writes the marker after its assertions.
        const marker = await fs
          .readFile(path.join(dir, MARKER_FILE), 'utf8')
          .then(JSON.parse, () => undefined);
        expect({ label, marker }).toEqual({ label, marker: team.marker });
        await fs.rm(dir, { recursive: true, force: true });
        passed.push(label);
        if (edits.length > 1) configEdited.push(label);
      }
    }
    // One project per template and language or kind. Every golden path has a file for (c)
    // today; one that has none needs a CONFIG_EDITS entry, or to be left out here.
    expect(passed.length).toBeGreaterThanOrEqual(7);
    expect(configEdited).toEqual(passed);
  });
});
