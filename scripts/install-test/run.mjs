#!/usr/bin/env node
// The install test: installs the packed bundle into Backstage apps freshly generated with
// @backstage/create-app, using the README's own install steps, and checks them in Chromium.
//
//   node scripts/install-test/run.mjs [--app <name>]... [--packs <packs.json>] [--keep]
//
// Apps (all from create-app 0.9.2, which generates Backstage 1.55):
//   app-155     new frontend system, 1.55 as generated
//   app-157     new frontend system, upgraded to 1.57 with `backstage-cli versions:bump`
//   legacy-155  legacy frontend system (create-app --legacy), 1.55
// For each: generate, switch to npm, (upgrade), apply every README install step, check
// that no second copy of an @backstage/* package was installed, type-check the app,
// start it (`yarn start`, run by npm) and run scripts/install-test/e2e in Chromium.
// Prints each step with its time; on failure, the step that broke and its log's tail.
// Work folder: $PAVED_ROAD_INSTALL_TEST_DIR (default <tmp>/paved-road-install-test).
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asNpm, mergeYaml, useNpm } from './app.mjs';
import { findDuplicates } from './dedupe.mjs';
import { insertInto, readInstallSteps, stepsFor } from './readme.mjs';
import { startRegistry } from './registry.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APPS = [
  { name: 'app-155', release: '1.55.0', frontend: 'new' },
  { name: 'app-157', release: '1.57.0', frontend: 'new' },
  { name: 'legacy-155', release: '1.55.0', frontend: 'legacy' },
];
const CREATE_APP = '@backstage/create-app@0.9.2';

const args = process.argv.slice(2);
const option = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const chosen = args.flatMap((a, i) => (args[i - 1] === '--app' ? [a] : []));
const unknown = chosen.filter(n => !APPS.some(a => a.name === n));
if (unknown.length) {
  console.error(
    `Unknown app ${unknown.join(', ')}; the apps are ${APPS.map(
      a => a.name,
    ).join(', ')}`,
  );
  process.exit(2);
}
const apps = chosen.length ? APPS.filter(a => chosen.includes(a.name)) : APPS;
const workDir = resolve(
  process.env.PAVED_ROAD_INSTALL_TEST_DIR ??
    join(tmpdir(), 'paved-road-install-test'),
);
const started = Date.now();
const log = message =>
  console.log(
    `[install-test ${Math.round((Date.now() - started) / 1000)}s] ${message}`,
  );

/** Runs a command with its output appended to the step's log; rejects on failure. */
function sh(command, { cwd, logFile, env = {}, timeoutMs = 20 * 60_000 }) {
  return new Promise((resolvePromise, reject) => {
    writeFileSync(logFile, `$ ${command}\n`, { flag: 'a' });
    const child = spawn('bash', ['-c', `${command} >>'${logFile}' 2>&1`], {
      cwd,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else
        reject(
          new Error(
            `'${command}' ${
              signal
                ? `was killed (${signal}, after ${timeoutMs / 1000}s)`
                : `exited with ${code}`
            }`,
          ),
        );
    });
  });
}

const tail = file =>
  existsSync(file)
    ? readFileSync(file, 'utf8').split('\n').slice(-60).join('\n')
    : '';

async function waitFor(url, { timeoutMs, alive }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    alive();
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

/** One app, step by step; returns the failed step's name, or undefined. */
async function testApp(app, { registry, readmeSteps, toolsBin }) {
  const appDir = join(workDir, app.name);
  const logDir = join(workDir, `${app.name}-logs`);
  rmSync(appDir, { recursive: true, force: true });
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  let n = 0;
  let current;
  const step = async (name, fn) => {
    n += 1;
    current = {
      name,
      logFile: join(
        logDir,
        `${String(n).padStart(2, '0')}-${name
          .replace(/[^\w.-]+/g, '-')
          .slice(0, 60)}.log`,
      ),
    };
    const t = Date.now();
    log(`${app.name}: ${name}`);
    await fn(current.logFile);
    log(`${app.name}: ${name}: ok (${Math.round((Date.now() - t) / 1000)}s)`);
  };
  const env = {
    PATH: `${toolsBin}:${process.env.PATH}`,
    BACKSTAGE_APP_NAME: app.name,
  };
  let server;
  try {
    await step(
      `generate with ${CREATE_APP}${
        app.frontend === 'legacy' ? ' --legacy' : ''
      }`,
      logFile =>
        sh(
          `npx -y ${CREATE_APP} --skip-install${
            app.frontend === 'legacy' ? ' --legacy' : ''
          }`,
          { cwd: workDir, logFile, env },
        ),
    );
    await step('install with npm instead of Yarn', async () => {
      const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      // The release the app ends up on decides which versions it installs (for app-157,
      // the upgrade below comes before the first install, saving an install).
      const { installBefore } = JSON.parse(
        readFileSync(
          join(root, `scripts/install-test/releases/${app.release}.json`),
          'utf8',
        ),
      );
      useNpm(appDir, {
        registryUrl: registry.url,
        allowScripts: ours.allowScripts,
        installBefore,
      });
    });
    if (app.release !== '1.55.0') {
      await step(
        `upgrade to Backstage ${app.release} (backstage-cli versions:bump)`,
        logFile =>
          sh(
            `'${join(
              root,
              'node_modules/.bin/backstage-cli',
            )}' versions:bump --skip-install`,
            {
              cwd: appDir,
              logFile,
              env: {
                BACKSTAGE_MANIFEST_FILE: join(
                  root,
                  `scripts/install-test/releases/${app.release}.json`,
                ),
              },
            },
          ),
      );
    }
    // What create-app runs itself unless told --skip-install: the app a user starts from.
    await step('install the app (npm install)', logFile =>
      sh('npm install', { cwd: appDir, logFile }),
    );
    for (const s of stepsFor(readmeSteps, app.frontend)) {
      if (s.run) {
        await step(
          `${s.where}: run ${s.code.split('\n')[0]}`,
          async logFile => {
            for (const line of s.code
              .split('\n')
              .filter(l => l.trim() && !l.trim().startsWith('#'))) {
              await sh(asNpm(line), { cwd: appDir, logFile });
            }
          },
        );
      } else if (s.merge) {
        await step(`${s.where}: merge into ${s.merge}`, async () =>
          mergeYaml(join(appDir, s.merge), s.code),
        );
      } else if (s.file) {
        await step(`${s.where}: edit ${s.file}`, async () => {
          const file = join(appDir, s.file);
          writeFileSync(file, insertInto(readFileSync(file, 'utf8'), s));
        });
      } else {
        throw new Error(
          `${s.where}: the install-test comment says neither run, merge nor file`,
        );
      }
    }
    await step('one copy of each @backstage package', async logFile => {
      const problems = findDuplicates(appDir);
      writeFileSync(logFile, problems.join('\n'));
      if (problems.length) throw new Error(problems.join('\n'));
    });
    await step('type check (tsc)', logFile =>
      sh('npx tsc', { cwd: appDir, logFile }),
    );
    await step('start (yarn start, run by npm)', async logFile => {
      for (const url of ['http://localhost:7007', 'http://localhost:3000']) {
        const taken = await fetch(url).then(
          () => true,
          () => false,
        );
        if (taken) {
          throw new Error(
            `${url} already answers: stop what runs there (a dev instance?) first`,
          );
        }
      }
      server = spawn('bash', ['-c', `exec npm start >>'${logFile}' 2>&1`], {
        cwd: appDir,
        detached: true,
        stdio: 'ignore',
      });
      const alive = () => {
        if (server.exitCode !== null)
          throw new Error(`npm start exited with ${server.exitCode}`);
      };
      await waitFor('http://localhost:7007/api/paved-road/health', {
        timeoutMs: 300_000,
        alive,
      });
      await waitFor('http://localhost:3000', { timeoutMs: 300_000, alive });
    });
    await step(
      'in Chromium: Create page, entity card and tab, dashboard',
      logFile =>
        sh(`npx playwright test -c scripts/install-test/playwright.config.ts`, {
          cwd: root,
          logFile,
          env: {
            INSTALL_TEST_APP: app.name,
            INSTALL_TEST_FRONTEND: app.frontend,
          },
        }),
    );
    return undefined;
  } catch (error) {
    log(`${app.name}: FAILED at "${current?.name}": ${error.message}`);
    if (current?.logFile) console.log(tail(current.logFile));
    return current?.name ?? 'setup';
  } finally {
    if (server && server.exitCode === null) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise(r => setTimeout(r, 3000));
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (!args.includes('--keep'))
      rmSync(appDir, { recursive: true, force: true });
  }
}

async function main() {
  mkdirSync(workDir, { recursive: true });
  // The README's template step copies from a clone of this repository next to the app.
  const clone = join(workDir, 'paved-road');
  rmSync(clone, { recursive: true, force: true });
  symlinkSync(root, clone);
  // create-app checks that `yarn -v` answers before it starts; Yarn 1 from npm does.
  const tools = join(workDir, 'tools');
  if (!existsSync(join(tools, 'node_modules/.bin/yarn'))) {
    mkdirSync(tools, { recursive: true });
    writeFileSync(join(tools, 'package.json'), '{"private": true}\n');
    await sh('npm install --no-audit --no-fund yarn@1', {
      cwd: tools,
      logFile: join(workDir, 'tools.log'),
    });
  }
  const packs = option('--packs') ?? join(root, 'dist-packs/packs.json');
  if (!existsSync(packs)) {
    throw new Error(
      `${packs} is missing: run 'node scripts/pack.mjs' first (or pass --packs)`,
    );
  }
  const registry = await startRegistry(packs);
  const readmeSteps = readInstallSteps(join(root, 'README.md'));
  log(
    `${readmeSteps.length} install steps in README.md; @paved-road packages from ${registry.url}`,
  );
  const failures = [];
  try {
    for (const app of apps) {
      const failed = await testApp(app, {
        registry,
        readmeSteps,
        toolsBin: join(tools, 'node_modules/.bin'),
      });
      if (failed) failures.push(`${app.name}: ${failed}`);
    }
  } finally {
    await registry.close();
  }
  if (failures.length) {
    log(`failed:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  log(`every app installed and checked: ${apps.map(a => a.name).join(', ')}`);
}

main().catch(error => {
  console.error(error.message);
  process.exit(1);
});
