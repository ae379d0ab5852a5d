import { Page, expect } from '@playwright/test';
import path from 'node:path';

/** Where browser tests save what a person would see (see the README). */
export const screenshotDir = path.resolve(__dirname, '../../../screenshots');

/** Signs in as the guest user, the dev instance's only sign-in method. */
export async function signIn(page: Page, url = '/') {
  await page.goto(url);
  const enter = page.getByRole('button', { name: 'Enter' });
  // The first page of a fresh dev server can take a while to compile and load.
  await expect(enter).toBeVisible({ timeout: 90_000 });
  await enter.click();
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: true,
  });
}

/** Waits for the scheduled evaluation to have scored the entity (it runs every 30 s). */
export async function openScoredEntity(page: Page, name: string) {
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
