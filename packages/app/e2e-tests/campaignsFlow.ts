import { Locator, Page, expect } from '@playwright/test';
import fs from 'node:fs/promises';
import { screenshot, signIn } from './helpers';

/*
 * The campaigns journey, run by the new frontend system's app (campaigns.test.ts here)
 * and by the legacy one (packages/app-legacy/e2e-tests/campaigns.test.ts): both mount
 * the same Paved Road page and Scorecards components. Against the dev instance's two
 * configured campaigns (app-config.yaml): startup-probes, on track, and
 * api-service-2-5, past its deadline.
 */

/** Waits for `target`, entering again when the page falls back to the sign-in page. */
async function whenSignedIn(page: Page, target: Locator, timeout = 60_000) {
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(async () => {
    await expect(target.first().or(enter)).toBeVisible({ timeout: 15_000 });
    if (await enter.isVisible()) await enter.click();
    await expect(target.first()).toBeVisible({ timeout: 15_000 });
  }).toPass({ timeout });
}

/**
 * The Campaigns tab lists both campaigns with their progress (computed at the end of
 * an evaluation pass, so the tab is reloaded until it is), and a campaign's page shows
 * its burn-up, teams, overdue entities with their remediation, a team's drill-down and
 * the CSV of what is shown.
 */
export async function campaignsJourney(page: Page, prefix: string) {
  await signIn(page, '/paved-road');
  await whenSignedIn(page, page.getByRole('tab', { name: 'Campaigns' }));
  // The dashboard stays the page's root.
  await expect(page.getByRole('tab', { name: 'Adoption' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await page.getByRole('tab', { name: 'Campaigns' }).click();
  await expect(page).toHaveURL(/\/paved-road\/campaigns$/);

  const row = (title: string) =>
    page.getByRole('row').filter({
      has: page.getByRole('link', { name: title, exact: true }),
    });
  const probes = row('Startup probes everywhere');
  const apiService = row('API services on api-service 2.5');
  await expect(async () => {
    await page.reload();
    await whenSignedIn(page, page.getByText(/Campaigns \(\d+\)/));
    await expect(probes).toContainText(/\d+ of \d+ done/, { timeout: 10_000 });
    await expect(apiService).toContainText(/\d+ of \d+ done/, {
      timeout: 10_000,
    });
  }).toPass({ timeout: 150_000 });
  await expect(probes).toContainText(
    'Pass startup-probe of Production readiness',
  );
  await expect(probes).toContainText(/\d+ days left/);
  await expect(probes).toContainText('config');
  await expect(apiService).toContainText('api-service >=2.5.0');
  await expect(apiService).toContainText(/\d+ days? overdue/);
  await screenshot(page, `${prefix}campaigns-list`);

  await apiService
    .getByRole('link', { name: 'API services on api-service 2.5' })
    .click();
  await expect(page).toHaveURL(/\/paved-road\/campaigns\/api-service-2-5/);
  await expect(
    page.getByRole('heading', { name: 'API services on api-service 2.5' }),
  ).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Campaigns' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  const progress = page.getByRole('region', { name: 'Progress' });
  await expect(
    progress.getByRole('img', {
      name: /Burn-up chart\. \d+ of \d+ done or exempt on \d{4}-\d{2}-\d{2}; deadline 30 Nov 2026\./,
    }),
  ).toBeVisible();
  // The chart is drawn, with its deadline marked.
  await expect(progress.locator('.recharts-reference-line')).toHaveCount(1);
  await expect(progress.getByText('Deadline', { exact: true })).toBeVisible();

  const teams = page.getByRole('region', { name: 'Teams' });
  await expect(teams.getByRole('link', { name: 'cloudcart' })).toBeVisible();
  await expect(teams.getByRole('link', { name: 'commerce' })).toBeVisible();

  const entities = page.getByRole('region', { name: 'Entities' });
  const overdue = entities
    .getByRole('row')
    .filter({ hasText: 'Overdue' })
    .first();
  await expect(overdue).toBeVisible();
  await expect(overdue).toContainText(
    'Upgrade to a release of api-service satisfying >=2.5.0',
  );
  await expect(overdue.locator('strong', { hasText: 'Upgrade' })).toBeVisible();
  await screenshot(page, `${prefix}campaign-page`);

  // Drill down into a team: its entities and its subgroups' only.
  await teams
    .getByRole('button', { name: 'Show the entities of commerce' })
    .click();
  await expect(page).toHaveURL(/owner=group%3Adefault%2Fcommerce/);
  await expect(entities.getByText('Team: commerce')).toBeVisible();
  await expect(
    entities.getByRole('link', { name: 'checkout-api' }),
  ).toBeVisible();
  await expect(
    entities.getByRole('link', { name: 'accounts-api' }),
  ).toHaveCount(0);
  await screenshot(page, `${prefix}campaign-drill-down`);

  const download = page.waitForEvent('download');
  await entities.getByRole('button', { name: 'Download CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('campaign-api-service-2-5.csv');
  const csv = await fs.readFile((await file.path())!, 'utf8');
  const [header, ...rows] = csv.trim().split(/\r?\n/);
  expect(header).toMatch(/^entityRef,owner,state,overdue/);
  expect(rows).toContainEqual(
    expect.stringMatching(
      /^component:default\/checkout-api,group:default\/checkout,todo,true,/,
    ),
  );
  expect(rows.some(r => r.startsWith('component:default/accounts-api'))).toBe(
    false,
  );
}

/**
 * orders-api's Scorecards tab lists its campaigns with its state in each, and its card
 * sums them up with a link to the tab.
 */
export async function entityCampaignsJourney(page: Page, prefix: string) {
  await signIn(page, '/catalog/default/component/orders-api');
  const summary = page.getByRole('link', { name: /^In 2 campaigns: / });
  await expect(async () => {
    await page.reload();
    await whenSignedIn(page, page.getByText('Documentation first'));
    await expect(summary).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 150_000 });
  await expect(summary).toHaveAttribute(
    'href',
    '/catalog/default/component/orders-api/scorecards',
  );

  await page.goto('/catalog/default/component/orders-api/scorecards');
  const campaigns = page.getByRole('region', { name: 'Campaigns' });
  await whenSignedIn(page, campaigns);
  await expect(campaigns.getByText('Campaigns (2)')).toBeVisible();
  const apiService = campaigns.getByRole('link', {
    name: 'API services on api-service 2.5',
  });
  await expect(apiService).toHaveAttribute(
    'href',
    '/paved-road/campaigns/api-service-2-5',
  );
  await expect(
    campaigns.getByRole('link', { name: 'Startup probes everywhere' }),
  ).toBeVisible();
  await expect(campaigns.getByText('Deadline 30 Nov 2026 ·')).toBeVisible();
  // orders-api is on api-service 2.4.0: still to do, with what to change.
  await expect(campaigns.getByText('To do, overdue')).toBeVisible();
  await expect(
    campaigns.getByText(
      'Upgrade to a release of api-service satisfying >=2.5.0',
    ),
  ).toBeVisible();
  await screenshot(page, `${prefix}entity-campaigns`);

  await apiService.click();
  await expect(
    page.getByRole('heading', { name: 'API services on api-service 2.5' }),
  ).toBeVisible();
}
