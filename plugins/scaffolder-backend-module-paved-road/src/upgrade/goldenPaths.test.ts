import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { checkGuardrails } from '../guardrails/checks';
import { readWorkspace } from '../guardrails/workspace';
import {
  FIXED_OPTIONS,
  formValues,
} from '../templates/__testUtils__/scaffolderHarness';
import {
  loadGoldenPaths,
  optionCombinations,
  templatesDir,
} from '../templates/__testUtils__/goldenPaths';
import { ANSWERS_PATH, parseAnswers } from './answers';
import type { FileTree } from './merge';
import { planUpgrade } from './plan';
import {
  renderFresh,
  startReleaseHarness,
} from './__testUtils__/upgradeHarness';

jest.setTimeout(900_000);

const STAMP = /paved-road\.io\/scaffolded-at: .*/;
const text = (tree: FileTree) =>
  new Map([...tree].map(([p, f]) => [p, f.content.toString('utf8')]));
/** A local change a team makes to its service: one line at the end of the README. */
const LOCAL_NOTE = '\nOn call: #team-oncall (added by the team)\n';

/**
 * Every shipped golden path, from each earlier release in templates/releases.yaml and with
 * each of that release's option combinations, upgraded to the current release.
 */
describe('upgrading every golden path from every earlier release', () => {
  let harness: Awaited<ReturnType<typeof startReleaseHarness>>;

  beforeAll(async () => {
    harness = await startReleaseHarness();
  });

  it('gives untouched services a fresh scaffold and keeps local edits, and the result passes the guardrails', async () => {
    const { server, releases, releasesGitDir, render } = harness;
    const manifest = yaml.parse(
      await fs.readFile(path.join(templatesDir, 'releases.yaml'), 'utf8'),
    );
    const upgraded: string[] = [];
    for (const goldenPath of await loadGoldenPaths()) {
      const latest =
        goldenPath.template.metadata.annotations[
          'backstage.io/template-version'
        ];
      const earlier = Object.keys(manifest[goldenPath.name] ?? {}).filter(
        v => v !== latest,
      );
      // Every template has at least two releases: an earlier one and the current one.
      expect({ template: goldenPath.name, earlier }).toEqual({
        template: goldenPath.name,
        earlier: expect.arrayContaining([expect.any(String)]),
      });
      for (const version of earlier) {
        const old = await releases.read(goldenPath.name, version);
        for (const options of optionCombinations(old.template, FIXED_OPTIONS)) {
          const label = `${
            goldenPath.name
          } ${version} -> ${latest} ${JSON.stringify(options)}`;
          const values = formValues(
            { ...goldenPath, template: old.template },
            options,
          );
          const repository = await renderFresh(
            server,
            releasesGitDir,
            goldenPath.name,
            version,
            values,
          );
          const answers = parseAnswers(
            repository.get(ANSWERS_PATH)!.content.toString('utf8'),
            label,
          );

          // Untouched: exactly what a fresh scaffold of the current release gives.
          const plan = await planUpgrade({
            repository,
            answers,
            toVersion: latest,
            releases,
            render,
          });
          const fresh = text(
            await renderFresh(
              server,
              releasesGitDir,
              goldenPath.name,
              latest,
              plan.values,
            ),
          );
          const ownStamp = text(repository)
            .get('catalog-info.yaml')!
            .match(STAMP)![0];
          fresh.set(
            'catalog-info.yaml',
            fresh.get('catalog-info.yaml')!.replace(STAMP, ownStamp),
          );
          expect({ label, conflicts: plan.conflicts }).toEqual({
            label,
            conflicts: [],
          });
          expect({ label, files: text(plan.files) }).toEqual({
            label,
            files: fresh,
          });

          // Touched: the team's edit survives, nothing conflicts.
          const edited = new Map(repository);
          const readme = repository.get('README.md')!;
          edited.set('README.md', {
            ...readme,
            content: Buffer.concat([readme.content, Buffer.from(LOCAL_NOTE)]),
          });
          const editedPlan = await planUpgrade({
            repository: edited,
            answers,
            toVersion: latest,
            releases,
            render,
          });
          expect({ label, conflicts: editedPlan.conflicts }).toEqual({
            label,
            conflicts: [],
          });
          expect(text(editedPlan.files).get('README.md')).toBe(
            `${fresh.get('README.md')}${LOCAL_NOTE}`,
          );

          // The upgraded project passes the guardrails.
          const dir = await fs.mkdtemp(
            path.join(os.tmpdir(), 'paved-road-upgraded-'),
          );
          for (const [file, { content }] of editedPlan.files) {
            await fs.mkdir(path.dirname(path.join(dir, file)), {
              recursive: true,
            });
            await fs.writeFile(path.join(dir, file), content);
          }
          const violations = await checkGuardrails(await readWorkspace(dir), {
            catalogInfoPath: 'catalog-info.yaml',
          });
          expect({ label, violations }).toEqual({ label, violations: [] });
          await fs.rm(dir, { recursive: true, force: true });
          upgraded.push(label);
        }
      }
    }
    expect(upgraded.length).toBeGreaterThanOrEqual(20);
  });
});
