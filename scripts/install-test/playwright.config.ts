import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../chromium';

/**
 * The install test's browser checks (scripts/install-test/run.mjs starts the generated
 * app on :3000 and :7007 first). Screenshots go to screenshots/install-<app>-*.png.
 */
export default defineConfig({
  testDir: './e2e',
  timeout: 300_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: 'http://localhost:3000',
    actionTimeout: 30_000,
    viewport: { width: 1440, height: 900 },
    launchOptions: chromiumLaunchOptions,
  },
  outputDir: '../../node_modules/.cache/install-test-results',
});
