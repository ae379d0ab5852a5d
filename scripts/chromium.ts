/**
 * How the browser tests (playwright.config.ts) and the dashboard benchmark
 * (bench/dashboard.ts) launch Debian's Chromium: no browser download; set
 * PLAYWRIGHT_CHROMIUM (or CHROMIUM_PATH) to use another executable.
 */
export const chromiumLaunchOptions = {
  executablePath:
    process.env.PLAYWRIGHT_CHROMIUM ??
    process.env.CHROMIUM_PATH ??
    '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
