import { defineConfig } from '@playwright/test';
import { generateProjects } from '@backstage/e2e-test-utils/playwright';
import { chromiumLaunchOptions } from './scripts/chromium';

/**
 * Browser tests against the running dev instance, in Debian's Chromium (see
 * scripts/chromium.ts). The dev instance is started by ./scripts/start unless one
 * already answers on :3000 outside CI.
 */

export default defineConfig({
  timeout: 150_000,
  expect: { timeout: 30_000 },
  workers: 1,
  webServer: [
    {
      command: './scripts/start',
      url: 'http://localhost:3000',
      reuseExistingServer: !process.env.CI,
      timeout: 600_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The legacy-frontend-system demo app, against the same backend.
      command: './scripts/start-legacy',
      url: 'http://localhost:3001',
      reuseExistingServer: !process.env.CI,
      timeout: 600_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    actionTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1440, height: 900 },
    launchOptions: chromiumLaunchOptions,
  },
  outputDir: 'node_modules/.cache/e2e-test-results',
  projects: generateProjects().map(project => ({
    ...project,
    use: {
      ...project.use,
      channel: undefined,
      ...(project.name === 'app-legacy'
        ? { baseURL: 'http://localhost:3001' }
        : {}),
    },
  })),
});
