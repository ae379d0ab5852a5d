import { expect, test } from '@playwright/test';
import { screenshot, signIn } from './helpers';

test('a product engineer creates an API service from the Create page and finds it in the catalog with its provenance', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const name = `e2e-${Date.now().toString(36)}`;

  await signIn(page, '/create/templates/default/api-service');
  await expect(
    page.getByRole('heading', { name: 'API service (golden path)' }),
  ).toBeVisible();

  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page
    .getByRole('textbox', { name: 'Description' })
    .fill('Created by the browser test from the Create page.');
  await page.getByRole('textbox', { name: 'Owner' }).fill('orders');
  await page.getByRole('option', { name: 'Team Orders' }).click();
  await page.getByRole('textbox', { name: 'System' }).fill('order');
  await page.getByRole('option', { name: 'Order Management' }).click();
  await screenshot(page, 'create-api-service-form');
  await page.getByRole('button', { name: 'Next' }).click(); // to Runtime
  await page.getByRole('button', { name: 'Next' }).click(); // Runtime: defaults
  // Publish: GitHub is preselected; the offline dev instance publishes to a local folder.
  await page
    .getByRole('combobox', { name: /Where to publish/ })
    .or(page.getByLabel(/Where to publish/))
    .first()
    .click();
  await page.getByRole('option', { name: /Local folder/ }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByRole('cell', { name })).toBeVisible();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task page: every step, including the guardrails, succeeds.
  const openInCatalog = page.getByRole('link', { name: 'Open in catalog' });
  await expect(openInCatalog).toBeVisible({ timeout: 180_000 });
  await expect(page.getByText('Verify guardrails').first()).toBeVisible();
  await screenshot(page, 'create-api-service-task');

  // The catalog picks the new repository up through its local-repos location.
  await openInCatalog.click();
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('heading', { name })).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 90_000 });
  // The About card links the system chosen in the form.
  await expect(
    page.getByRole('link', { name: 'Order Management' }).first(),
  ).toBeVisible();

  // Provenance, as stamped by paved-road:provenance:annotate.
  await page.getByRole('button', { name: 'more' }).click();
  await page.getByRole('menuitem', { name: /Inspect entity/i }).click();
  await page.getByRole('tab', { name: /Raw YAML/i }).click();
  const dialog = page.getByRole('dialog');
  await expect(
    dialog.getByText('template:default/api-service').first(),
  ).toBeVisible();
  await expect(
    dialog.getByText('paved-road.io/scaffolded-at').first(),
  ).toBeVisible();
  await screenshot(page, 'create-api-service-provenance');
});
