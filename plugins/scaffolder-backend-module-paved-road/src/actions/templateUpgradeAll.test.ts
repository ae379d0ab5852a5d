import { mockCredentials } from '@backstage/backend-test-utils';
// The run is recorded with the real Paved Road backend plugin, not a stand-in.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pavedRoadBackend from '@paved-road/backstage-plugin-backend';
import fs from 'node:fs/promises';
import request from 'supertest';
import os from 'node:os';
import path from 'node:path';
import { ANSWERS_PATH } from '../upgrade/answers';
import { git } from '../upgrade/git';
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

jest.setTimeout(300_000);

describe('paved-road:template:upgrade-all through the Upgrade every service template', () => {
  it('upgrades every service in scope, a branch each, with a result per service', async () => {
    const releases = await buildReleases();
    const reposDir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'paved-road-bulk-'),
    );
    const apiService = (await loadGoldenPaths()).find(
      g => g.name === 'api-service',
    )!;
    const latest =
      apiService.template.metadata.annotations['backstage.io/template-version'];
    const names = [
      'alpha-api',
      'beta-api',
      'gamma-api',
      'delta-api',
      'other-team-api',
    ];
    const entities = names.map(name =>
      serviceEntity(name, path.join(reposDir, name), 'api-service', '2.4.0'),
    );
    entities.push(
      serviceEntity(
        'current-api',
        path.join(reposDir, 'current-api'),
        'api-service',
        latest,
      ),
    );
    const other = entities.find(e => e.metadata.name === 'other-team-api')!;
    other.relations = [{ type: 'ownedBy', targetRef: 'group:default/orders' }];
    const server = await startUpgradeServer({
      releasesGitDir: releases,
      reposDir,
      entities,
      features: [pavedRoadBackend],
    });

    for (const name of names) {
      const values = formValues(apiService, { name, language: 'typescript' });
      await createRepository(
        path.join(reposDir, name),
        await renderFresh(server, releases, 'api-service', '2.4.0', values),
      );
    }
    // beta-api: the team changed a line the new release also changes.
    const beta = path.join(reposDir, 'beta-api', ANSWERS_PATH);
    await fs.rm(beta); // no answers: the upgrade fails, naming why
    await commitAll(path.join(reposDir, 'beta-api'), 'Drop the answers');
    // gamma-api: a local edit to the line the release changes in catalog-info.yaml.
    const gamma = path.join(reposDir, 'gamma-api', 'catalog-info.yaml');
    await fs.writeFile(
      gamma,
      (
        await fs.readFile(gamma, 'utf8')
      ).replace(
        'backstage.io/template-version: 2.4.0',
        'backstage.io/template-version: 2.4.0-team',
      ),
    );
    await commitAll(path.join(reposDir, 'gamma-api'), 'Team edit');

    const run = await runUpgradeTask(
      server,
      {
        template: 'template:default/api-service',
        owner: 'group:default/checkout',
      },
      'template:default/upgrade-services',
    );
    expect(run.error).toBeUndefined();
    const summary: string = run.output.text[0].content;
    expect(summary).toMatch(
      new RegExp(
        `^5 services made from template:default/api-service, upgraded to ${latest.replace(
          /\./g,
          '\\.',
        )}: 2 opened, 1 conflicted, 1 already current, 1 failed\\.`,
      ),
    );
    expect(summary).toContain(
      `| component:default/current-api | ${latest} | current |`,
    );
    expect(summary).toMatch(
      /\| component:default\/beta-api \| 2\.4\.0 \| failed \| .*has no \.paved-road\/answers\.yaml/,
    );
    expect(summary).toMatch(
      /\| component:default\/gamma-api \| 2\.4\.0 \| conflicted \(1 conflicts\) \|/,
    );
    expect(summary).not.toContain('other-team-api');

    const branch = `paved-road/upgrade-api-service-${latest}`;
    for (const name of ['alpha-api', 'delta-api', 'gamma-api']) {
      const branches = (
        await git(['branch', '--list', branch], {
          cwd: path.join(reposDir, name),
        })
      ).toString();
      expect({ name, branches: branches.trim() }).toEqual({
        name,
        branches: branch,
      });
    }
    for (const name of ['beta-api', 'other-team-api']) {
      const branches = (
        await git(['branch', '--list'], { cwd: path.join(reposDir, name) })
      ).toString();
      expect({ name, branches: branches.trim() }).toEqual({
        name,
        branches: '* main',
      });
    }

    // The run is recorded: the dashboard counts its requests per template.
    const summary2 = await request(server)
      .get('/api/paved-road/upgrades/summary')
      .set('Authorization', mockCredentials.user.header());
    expect(summary2.body.items).toEqual([
      expect.objectContaining({
        templateRef: 'template:default/api-service',
        open: 2,
        conflicted: 1,
        failed: 1,
        current: 1,
        merged: 0,
      }),
    ]);
    expect(run.output.text[0].content).not.toContain('could not be recorded');

    // Each service's request names its own upgrade task, whose page shows it.
    for (const name of ['alpha-api', 'gamma-api', 'beta-api']) {
      const entityRef = `component:default/${name}`;
      const [upgrade] = (
        await request(server)
          .get(`/api/paved-road/upgrades?entityRef=${entityRef}`)
          .set('Authorization', mockCredentials.user.header())
      ).body.items;
      const task = await request(server)
        .get(`/api/scaffolder/v2/tasks/${upgrade.taskId}`)
        .set('Authorization', mockCredentials.user.header());
      expect({ name, parameters: task.body.spec?.parameters }).toEqual({
        name,
        parameters: expect.objectContaining({ entity: entityRef }),
      });
    }
  });
});
