import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openScoredEntity, screenshot, screenshotDir } from './helpers';

/** orders-api's repository, as scripts/start makes it from examples/repos/orders-api. */
const repository = path.resolve(__dirname, '../../../.local-repos/orders-api');
const branch = 'paved-road/upgrade-api-service-2.5.0';

test('a drifted service is upgraded from its Scorecards card to a branch of its repository', async ({
  page,
}) => {
  test.setTimeout(300_000);
  // orders-api is on api-service 2.4.0; 2.5.0 is the latest release.
  await openScoredEntity(page, 'orders-api');
  const upgrade = page.getByRole('link', {
    name: 'Upgrade with a pull request',
  });
  await expect(upgrade).toBeVisible();
  await upgrade.click();

  // The Upgrade a service template, with orders-api preselected.
  await expect(
    page.getByRole('heading', {
      name: "Upgrade a service to its golden path's latest release",
    }),
  ).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByRole('cell', { name: /orders-api/ })).toBeVisible();
  await screenshot(page, 'upgrade-service-review');
  await page.getByRole('button', { name: 'Create' }).click();

  // The task page: the summary names the branch; the diff shows the version update.
  await expect(
    page.getByText(new RegExp(`Committed to branch ${branch}`)),
  ).toBeVisible({
    timeout: 180_000,
  });
  await screenshot(page, 'upgrade-service-summary');
  await page
    .getByTestId('output-box')
    .getByRole('button', { name: 'Diff', exact: true })
    .click();
  await expect(
    page.getByText(/\+\s*backstage\.io\/template-version: 2\.5\.0/).first(),
  ).toBeVisible();
  await screenshot(page, 'upgrade-service-diff');
  const taskPage = new URL(page.url()).pathname;
  expect(taskPage).toMatch(/^\/create\/tasks\/[0-9a-f-]{36}$/);

  // Back on orders-api's page, the Scorecards card links to the open upgrade instead of
  // offering another one: the local branch, to the task page that shows it.
  await page.goto('/catalog/default/component/orders-api');
  const open = page.getByTestId('open-upgrade');
  await expect(open).toHaveText(`Upgrade to 2.5.0 open: branch ${branch}.`, {
    timeout: 60_000,
  });
  await expect(
    page.getByRole('link', { name: 'Upgrade with a pull request' }),
  ).toHaveCount(0);
  // The card's column scrolls on its own: the viewport, with the line in view.
  await open.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: path.join(screenshotDir, 'upgrade-service-open.png'),
  });
  const branchLink = open.getByRole('link', { name: branch });
  await expect(branchLink).toHaveAttribute('href', taskPage);
  await branchLink.click();
  await expect(page).toHaveURL(new RegExp(`${taskPage}$`));
  await expect(
    page.getByText(new RegExp(`Committed to branch ${branch}`)),
  ).toBeVisible({ timeout: 60_000 });

  // The branch holds the upgrade, with the team's own edits to catalog-info.yaml kept.
  const catalogInfo = execFileSync(
    'git',
    ['-C', repository, 'show', `${branch}:catalog-info.yaml`],
    { encoding: 'utf8' },
  );
  expect(catalogInfo).toContain('backstage.io/template-version: 2.5.0');
  expect(catalogInfo).toContain('title: Orders API');
  const answers = execFileSync(
    'git',
    ['-C', repository, 'show', `${branch}:.paved-road/answers.yaml`],
    { encoding: 'utf8' },
  );
  expect(answers).toContain('version: 2.5.0');
});
