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
