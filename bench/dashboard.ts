/*
 * The dashboard's time to first meaningful render, in Chromium against the built app
 * (packages/app/dist) served by the benchmark backend's app-backend: from navigation to
 * `/paved-road` until the headline KPIs show their figures and the teams table lists the
 * organisation's groups.
 */
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../scripts/chromium';

const root = resolve(__dirname, '..');
const appDist = resolve(root, 'packages/app/dist/index.html');

/** Builds the dev instance's app for production unless a build exists (or `force`). */
export function ensureAppBuilt(force: boolean) {
  if (existsSync(appDist) && !force) return false;
  // Its listing of every bundle goes to a log, not into the figures' output.
  const log = resolve(root, 'bench/out/app-build.log');
  mkdirSync(dirname(log), { recursive: true });
  const result = spawnSync('npx', ['backstage-cli', 'package', 'build'], {
    cwd: resolve(root, 'packages/app'),
    stdio: ['ignore', openSync(log, 'w'), 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(`Building packages/app failed; its output is in ${log}`);
  }
  return true;
}

export interface RenderFigures {
  /** Median of the measured loads, ms. */
  medianMs: number;
  runs: number[];
}

export async function measureDashboardRender(options: {
  baseUrl: string;
  /** A group the teams table must list once rendered (a root of the tree). */
  expectGroup: string;
  runs: number;
  screenshot?: string;
}): Promise<RenderFigures> {
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 1000 },
    });
    // Sign in once as the guest; later loads reuse the session.
    await page.goto(`${options.baseUrl}/paved-road`);
    const enter = page.getByRole('button', { name: 'Enter' });
    await enter.waitFor({ timeout: 60_000 });
    await enter.click();
    // Meaningful: the headline KPIs show their figures and the teams table lists the
    // root of the group tree.
    const meaningful = () =>
      page.waitForFunction(
        group => {
          const text = document.body.innerText;
          return (
            text.includes('Golden-path adoption') &&
            /\d+%/.test(text) &&
            [...document.querySelectorAll('a, button')].some(
              el => el.textContent?.trim() === group,
            )
          );
        },
        options.expectGroup,
        { timeout: 60_000, polling: 25 },
      );
    try {
      await meaningful(); // warm: the browser caches the bundle, as for a returning user
    } catch (error) {
      await page.screenshot({ path: 'bench/out/dashboard-failure.png' });
      throw new Error(
        `The dashboard did not render (screenshot bench/out/dashboard-failure.png): ${
          (error as Error).message
        }; links: ${(
          await page.$$eval('a', as => as.map(a => a.textContent?.trim()))
        ).join(' | ')}`,
      );
    }
    const runs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const start = Date.now();
      await page.goto(`${options.baseUrl}/paved-road`);
      await meaningful();
      runs.push(Date.now() - start);
    }
    if (options.screenshot) {
      await page.screenshot({ path: options.screenshot, fullPage: false });
    }
    const sorted = [...runs].sort((a, b) => a - b);
    return { medianMs: sorted[Math.floor(sorted.length / 2)], runs };
  } finally {
    await browser.close();
  }
}
