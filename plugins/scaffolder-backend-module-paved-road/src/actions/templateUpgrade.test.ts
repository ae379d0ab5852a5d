import { mockCredentials } from '@backstage/backend-test-utils';
// Upgrades are recorded with the real Paved Road backend plugin, not a stand-in.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pavedRoadBackend from '@paved-road/backstage-plugin-backend';
import fs from 'node:fs/promises';
import request from 'supertest';
import os from 'node:os';
import path from 'node:path';
import { git, readGitTree } from '../upgrade/git';
import { ANSWERS_PATH } from '../upgrade/answers';
import {
  buildReleases,
  commitAll,
  createRepository,
  renderFresh,
  runUpgradeTask,
  serviceEntity,
  startUpgradeServer,
} from '../upgrade/__testUtils__/upgradeHarness';
import { formValues } from '../templates/__testUtils__/scaffolderHarness';
import { loadGoldenPaths } from '../templates/__testUtils__/goldenPaths';

jest.setTimeout(180_000);

const text = (tree: Map<string, { content: Buffer }>) =>
  new Map([...tree].map(([p, f]) => [p, f.content.toString('utf8')]));

describe('paved-road:template:upgrade through the scaffolder', () => {
  let releases: string;
  let reposDir: string;
  let server: Awaited<ReturnType<typeof startUpgradeServer>>;
  let values: Record<string, unknown>;
  let latest: string;

  beforeAll(async () => {
    releases = await buildReleases();
    reposDir = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-upgrade-'));
    const apiService = (await loadGoldenPaths()).find(
      g => g.name === 'api-service',
    )!;
    latest =
      apiService.template.metadata.annotations['backstage.io/template-version'];
    values = formValues(apiService, {
      language: 'typescript',
      needsDatabase: true,
    });
    server = await startUpgradeServer({
      releasesGitDir: releases,
      reposDir,
      features: [pavedRoadBackend],
      entities: [
        'untouched',
        'edited',
        'no-answers',
        'dirty',
        'via-template',
      ].map(name =>
        serviceEntity(name, path.join(reposDir, name), 'api-service', '2.4.0'),
      ),
    });
    const old = await renderFresh(
      server,
      releases,
      'api-service',
      '2.4.0',
      values,
    );
    for (const name of [
      'untouched',
      'edited',
      'no-answers',
      'dirty',
      'via-template',
    ]) {
      await createRepository(path.join(reposDir, name), old);
    }
  });

  it('gives an untouched service exactly what a fresh scaffold of the new version gives', async () => {
    const result = await runUpgradeTask(server, {
      entity: 'component:default/untouched',
    });
    expect(result.error).toBeUndefined();
    const { upgrade, branch } = result.output;
    expect(upgrade).toMatchObject({
      fromVersion: '2.4.0',
      toVersion: latest,
      upToDate: false,
      conflicts: [],
      branchName: `paved-road/upgrade-api-service-${latest}`,
    });
    expect(upgrade.upgradeNotes).toMatch(
      new RegExp(`^## ${latest.replace(/\./g, '\\.')}`),
    );
    expect(upgrade.changedFiles).toContain(ANSWERS_PATH);

    const gitDir = path.join(reposDir, 'untouched', '.git');
    const upgraded = await readGitTree(
      gitDir,
      `refs/heads/${branch.branchName}`,
    );
    const fresh = await renderFresh(
      server,
      releases,
      'api-service',
      latest,
      values,
    );
    // The scaffolding time is the repository's own, not the render's.
    const stamp = /paved-road\.io\/scaffolded-at: .*/;
    const freshText = text(fresh);
    freshText.set(
      'catalog-info.yaml',
      freshText
        .get('catalog-info.yaml')!
        .replace(
          stamp,
          text(upgraded).get('catalog-info.yaml')!.match(stamp)![0],
        ),
    );
    expect(text(upgraded)).toEqual(freshText);
    expect(text(upgraded).get('catalog-info.yaml')).toContain(
      `backstage.io/template-version: ${latest}`,
    );
    // The working copy and its branch are left as they were.
    expect(
      (
        await git(['status', '--porcelain'], {
          cwd: path.join(reposDir, 'untouched'),
        })
      ).toString(),
    ).toBe('');
    expect(
      (
        await git(['symbolic-ref', '--short', 'HEAD'], {
          cwd: path.join(reposDir, 'untouched'),
        })
      )
        .toString()
        .trim(),
    ).toBe('main');
  });

  it('keeps local changes that do not conflict', async () => {
    const dir = path.join(reposDir, 'edited');
    const readme = path.join(dir, 'README.md');
    const original = await fs.readFile(readme, 'utf8');
    await fs.writeFile(
      readme,
      `${original}\n## Team notes\n\nPaged through #checkout-oncall.\n`,
    );
    await fs.writeFile(
      path.join(dir, 'src', 'local-helper.ts'),
      'export const local = 1;\n',
    );
    await commitAll(dir, 'Team changes');

    const result = await runUpgradeTask(server, {
      entity: 'component:default/edited',
    });
    expect(result.error).toBeUndefined();
    const upgraded = text(
      await readGitTree(
        path.join(dir, '.git'),
        `refs/heads/${result.output.branch.branchName}`,
      ),
    );
    expect(upgraded.get('README.md')).toContain(
      'Paged through #checkout-oncall.',
    );
    expect(upgraded.get('src/local-helper.ts')).toBe(
      'export const local = 1;\n',
    );
    expect(upgraded.get(ANSWERS_PATH)).toContain(`version: ${latest}`);
  });

  it('fails naming the problem, and changes nothing', async () => {
    const noAnswers = path.join(reposDir, 'no-answers');
    await fs.rm(path.join(noAnswers, ANSWERS_PATH));
    await commitAll(noAnswers, 'Drop the answers');
    expect(
      await runUpgradeTask(server, { entity: 'component:default/no-answers' }),
    ).toEqual({
      status: 'failed',
      error: expect.stringMatching(
        /has no \.paved-road\/answers\.yaml: the answers component:default\/no-answers was generated with are unknown/,
      ),
    });

    const dirty = path.join(reposDir, 'dirty');
    await fs.appendFile(path.join(dirty, 'README.md'), 'uncommitted\n');
    expect(
      await runUpgradeTask(server, { entity: 'component:default/dirty' }),
    ).toEqual({
      status: 'failed',
      error: expect.stringMatching(
        /has uncommitted changes \(README\.md\): commit or discard them first/,
      ),
    });

    expect(
      await runUpgradeTask(server, {
        entity: 'component:default/untouched',
        targetVersion: '9.9.9',
      }),
    ).toEqual({
      status: 'failed',
      error: expect.stringMatching(
        /input\.targetVersion: api-service 9\.9\.9 is not released: .* has no tag 'api-service-v9\.9\.9'/,
      ),
    });
    expect(
      await runUpgradeTask(server, {
        entity: 'component:default/untouched',
        targetVersion: '2.3.0',
      }),
    ).toEqual({
      status: 'failed',
      error:
        'input.targetVersion: 2.3.0 is older than 2.4.0, the version the repository is on; upgrades only go forward',
    });
    expect(
      await runUpgradeTask(server, { entity: 'component:default/nope' }),
    ).toEqual({
      status: 'failed',
      error: 'input.entityRef: component:default/nope is not in the catalog',
    });
    for (const name of ['no-answers', 'dirty']) {
      const branches = (
        await git(['branch', '--list'], { cwd: path.join(reposDir, name) })
      ).toString();
      expect(branches.trim()).toBe('* main');
    }
  });

  it('runs as the Upgrade a service template: a preview changes nothing, then a branch', async () => {
    const dir = path.join(reposDir, 'via-template');
    const branches = async () =>
      (
        await git(['branch', '--list', '--format=%(refname:short)'], {
          cwd: dir,
        })
      )
        .toString()
        .trim()
        .split('\n');
    const template = 'template:default/upgrade-service';

    const preview = await runUpgradeTask(
      server,
      { entity: 'component:default/via-template', preview: true },
      template,
    );
    expect(preview.error).toBeUndefined();
    expect(await branches()).toEqual(['main']);
    const [summary, diff] = preview.output.text;
    expect(summary.title).toBe(`Upgrade to api-service ${latest}`);
    expect(summary.content).toContain(
      `from the api-service golden path 2.4.0 to ${latest}`,
    );
    expect(diff.content).toContain('+++ b/.paved-road/answers.yaml');

    // As the form submits it: with its hidden default, the upgrade is recorded.
    const real = await runUpgradeTask(
      server,
      { entity: 'component:default/via-template', recordRun: true },
      template,
    );
    expect(real.error).toBeUndefined();
    expect(await branches()).toEqual([
      'main',
      `paved-road/upgrade-api-service-${latest}`,
    ]);
    expect(real.output.text[0].content).toContain(
      `Committed to branch \`paved-road/upgrade-api-service-${latest}\``,
    );

    const recorded = await request(server)
      .get('/api/paved-road/upgrades?entityRef=component:default/via-template')
      .set('Authorization', mockCredentials.user.header());
    expect(recorded.body.items).toEqual([
      expect.objectContaining({
        templateRef: 'template:default/api-service',
        fromVersion: '2.4.0',
        toVersion: latest,
        outcome: 'opened',
        status: 'open',
        branch: `paved-road/upgrade-api-service-${latest}`,
        taskId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      }),
    ]);
    // The task whose page shows the upgrade (the service's card links to it): this run.
    const task = await request(server)
      .get(`/api/scaffolder/v2/tasks/${recorded.body.items[0].taskId}`)
      .set('Authorization', mockCredentials.user.header());
    expect(task.body).toMatchObject({
      status: 'completed',
      spec: {
        templateInfo: { entityRef: template },
        parameters: { entity: 'component:default/via-template' },
      },
    });

    // Run again: the branch already holds this change, so it is reused.
    const again = await runUpgradeTask(
      server,
      { entity: 'component:default/via-template' },
      template,
    );
    expect(again.error).toBeUndefined();
  });
});
