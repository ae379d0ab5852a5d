import { Page, expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import { screenshot, signIn } from './helpers';

/** Waits for the scheduled evaluation to have scored the entity (it runs every 30 s). */
async function openScoredEntity(page: Page, name: string) {
  await signIn(page, `/catalog/default/component/${name}`);
  const enter = page.getByRole('button', { name: 'Enter' });
  const scored = page.getByText('Documentation first').first();
  await expect(async () => {
    await page.reload();
    // A reload can land on the sign-in page when the guest session refresh is slow.
    await expect(scored.or(enter)).toBeVisible({ timeout: 15_000 });
    if (await enter.isVisible()) await enter.click();
    await expect(scored).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 150_000 });
}

test.describe('scorecards in the dev instance (new frontend system)', () => {
  test.describe.configure({ timeout: 300_000 });
  test('a golden-path service: card with levels and provenance, tab with checks', async ({
    page,
  }) => {
    await openScoredEntity(page, 'orders-api');
    await expect(page.getByText(/gold: /).first()).toBeVisible();
    await expect(
      page.getByText(/version in use 2\.3\.0 · latest 2\.3\.0/),
    ).toBeVisible();
    await screenshot(page, 'scorecards-card-orders-api');

    // Navigate by URL: the dev server's error overlay (left by the reloads above) can
    // sit over the tabs and swallow clicks.
    await expect(page.locator('a[href$="/scorecards"]').first()).toBeVisible();
    await page.goto('/catalog/default/component/orders-api/scorecards');
    await expect(page.getByText('Production readiness').first()).toBeVisible();
    await expect(page.getByText('Startup probe').first()).toBeVisible();
    await expect(page.getByText('Fail').first()).toBeVisible(); // alerts, on-call
    await expect(page.getByText(/Last evaluated/)).toBeVisible();
    await screenshot(page, 'scorecards-tab-orders-api');
  });

  test('a hand-rolled service: no level, and what to fix next', async ({
    page,
  }) => {
    await openScoredEntity(page, 'payments-ledger');
    await expect(
      page.getByText('Not scaffolded from a golden path.'),
    ).toBeVisible();
    await expect(page.getByText('No level yet').first()).toBeVisible();
    await screenshot(page, 'scorecards-card-payments-ledger');

    await expect(page.locator('a[href$="/scorecards"]').first()).toBeVisible();
    await page.goto('/catalog/default/component/payments-ledger/scorecards');
    await expect(page.getByText('Startup probe').first()).toBeVisible();
    await screenshot(page, 'scorecards-tab-payments-ledger');
  });

  test('the adoption dashboard: filter, drill-down and CSV export', async ({
    page,
  }) => {
    await signIn(page, '/paved-road');
    await expect(page.getByText('Golden-path adoption').first()).toBeVisible();
    await expect(page.getByText(/of \d+ eligible services/)).toBeVisible({
      timeout: 120_000,
    });
    await screenshot(page, 'dashboard');

    // Drill down into a team from the group tree: the owner filter lands in the URL.
    await page.getByRole('button', { name: 'cloudcart' }).click();
    await expect(page).toHaveURL(
      /owner=group%3Adefault%2Fcloudcart|owner=group:default\/cloudcart/,
    );
    await expect(page.getByText(/of \d+ eligible services/)).toBeVisible();
    await screenshot(page, 'dashboard-drill-down');

    // A shared URL restores the view.
    await page.goto(
      '/paved-road?owner=group%3Adefault%2Fpayments&scorecard=production-readiness',
    );
    await expect(
      page.getByRole('link', { name: 'payments-ledger' }).first(),
    ).toBeVisible();
    await expect(page.getByRole('link', { name: 'orders-api' })).toHaveCount(0);
    await screenshot(page, 'dashboard-filtered');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('paved-road-scorecards.csv');
    const csv = await fs.readFile((await file.path())!, 'utf8');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header).toMatch(/entityRef/);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every(r => r.includes('payments'))).toBe(true);
  });
});
