import { expect, test } from '@playwright/test';
import { screenshot, signIn } from './helpers';

test.describe('the dev instance with the CloudCart example organisation', () => {
  test('the catalog lists the example components', async ({ page }) => {
    await signIn(page, '/');
    const nav = page.getByRole('navigation', { name: 'sidebar nav' });
    await expect(
      nav.getByRole('link', { name: 'Catalog', exact: true }),
    ).toBeVisible();

    // The catalog is the dev instance's landing page (app-config.yaml mounts it at /).
    await page.goto('/?filters[kind]=component&filters[user]=all');
    const heading = page.getByRole('heading', {
      name: /All Components \(\d+\)/,
      level: 2,
    });
    await expect(heading).toBeVisible();
    const count = Number(
      (await heading.textContent())?.match(/\((\d+)\)/)?.[1],
    );
    expect(count).toBeGreaterThanOrEqual(35);
    await expect(
      page.getByRole('link', { name: 'Team Checkout' }).first(),
    ).toBeVisible();
    await screenshot(page, 'catalog');

    await page.getByRole('textbox', { name: 'Search' }).fill('orders');
    await expect(
      page.getByRole('link', { name: 'Orders API', exact: true }),
    ).toBeVisible();
  });

  test('an entity page opens with its owner and system', async ({ page }) => {
    await signIn(page, '/catalog/default/component/orders-api');
    await expect(
      page.getByRole('heading', { name: /Orders API|orders-api/ }).first(),
    ).toBeVisible();
    // The owner and system links, in either of the catalog's entity-page layouts.
    await expect(
      page.getByRole('link', { name: 'Team Orders' }).first(),
    ).toBeVisible();
    await expect(page.getByText('About').first()).toBeVisible();
    await expect(
      page.getByRole('link', { name: 'Order Management' }).first(),
    ).toBeVisible();
    await screenshot(page, 'entity-orders-api');
  });

  test('the Create page lists the golden-path templates', async ({ page }) => {
    await signIn(page, '/create');
    for (const name of [
      /API service/i,
      /Kafka worker/i,
      /Scheduled job/i,
      /Platform tool/i,
    ]) {
      await expect(page.getByRole('heading', { name }).first()).toBeVisible();
    }
    await screenshot(page, 'create-page');
  });

  test('the Paved Road page lists golden paths with their versions', async ({
    page,
  }) => {
    await signIn(page, '/paved-road');
    await expect(page.getByText(/Golden paths \(4\)/)).toBeVisible();
    // The golden-paths table (the template upgrades table below it shows 2.5.0 too).
    await expect(
      page.getByRole('cell', { name: '2.5.0', exact: true }).first(),
    ).toBeVisible();
    await screenshot(page, 'paved-road-page');
  });
});
