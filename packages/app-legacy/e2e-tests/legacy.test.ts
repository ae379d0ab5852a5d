import { expect, test } from '@playwright/test';
import path from 'node:path';

const screenshots = path.resolve(__dirname, '../../../screenshots');

test('the legacy frontend system mounts the card, the tab and the page', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto('/catalog/default/component/orders-api');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible({ timeout: 90_000 });
  await enter.click();

  const scored = page.getByText('Documentation first').first();
  await expect(async () => {
    await page.reload();
    // A reload can land on the sign-in page when the guest session refresh is slow.
    await expect(scored.or(enter)).toBeVisible({ timeout: 15_000 });
    if (await enter.isVisible()) await enter.click();
    await expect(scored).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 150_000 });
  await expect(
    page.getByText(/version in use 2\.4\.0 · latest 2\.5\.0/),
  ).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'legacy-entity-card.png'),
    fullPage: true,
  });

  await expect(page.getByRole('tab', { name: 'Scorecards' })).toBeVisible();
  await page.goto('/catalog/default/component/orders-api/scorecards');
  await expect(page.getByText('Startup probe').first()).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'legacy-entity-tab.png'),
    fullPage: true,
  });

  // A drifted service's card offers the upgrade, opened in the scaffolder with the
  // service preselected (the bindRoutes line of the README's legacy install section).
  await page.goto('/catalog/default/component/search-indexer');
  const upgrade = page.getByRole('link', {
    name: 'Upgrade with a pull request',
  });
  await expect(upgrade).toBeVisible({ timeout: 60_000 });
  await expect(upgrade).toHaveAttribute(
    'href',
    /^\/create\/templates\/default\/upgrade-service\?formData=/,
  );
  await upgrade.click();
  await expect(
    page.getByText('Upgrade a service to its golden path').first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('textbox', { name: 'Service' })).toHaveValue(
    'component:default/search-indexer',
  );
  await page.screenshot({
    path: path.join(screenshots, 'legacy-upgrade-form.png'),
    fullPage: true,
  });

  await expect(page.getByRole('link', { name: 'Paved Road' })).toBeVisible();
  await page.goto('/paved-road');
  await expect(page.getByText('Golden-path adoption').first()).toBeVisible();
  await page.screenshot({
    path: path.join(screenshots, 'legacy-dashboard.png'),
    fullPage: true,
  });
});
