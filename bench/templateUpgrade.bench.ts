/*
 * Template-upgrade benchmark: upgrading N golden-path services in one bulk run.
 *
 * It builds the template release repository (scripts/template-releases.mjs), makes N
 * service repositories on api-service 2.4.0 (templateUpgradeServices.ts), then, in a
 * fresh Node process per concurrency, starts a real Backstage backend
 * (templateUpgradeBackend.ts: scaffolder, the Paved Road scaffolder module and backend,
 * guest sign-in, the catalog in memory holding the templates and the N services) and runs
 * the bulk template `template:default/upgrade-services` for api-service (target: its
 * current version in templates/api-service.yaml) as one task, signed in as a user. The
 * bulk action starts one upgrade-service task per service, `concurrency` at a time; each
 * renders both releases through the scaffolder's dry-run, merges three ways and commits
 * a branch of the service's repository. It prints the wall time, the time per service,
 * p50/p95/max of the per-service tasks (created to completed, from the scaffolder), the
 * outcome counts and the backend process's peak RSS, and checks every repository got its
 * branch.
 *
 *   npm run bench:upgrades                              # 200 services, concurrency 4
 *   npm run bench:upgrades -- --concurrency 4,8 --postgres
 *
 * Options: --services N (default 200), --concurrency C[,C...] (default 4, 1 to 16; each in
 * its own process on fresh copies of the repositories), --postgres (default: SQLite in
 * memory), --keep (leave the work folder, repositories included, and print where). The
 * backend's logs go to bench/out/upgrades-<phase>.log.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { git } from '../plugins/scaffolder-backend-module-paved-road/src/upgrade/git';
import { dropDatabases } from './backend';
import {
  ROOT,
  TEMPLATES_DIR,
  serviceEntity,
  startUpgradeBackend,
} from './templateUpgradeBackend';
import {
  RunFigures,
  printRun,
  sec,
  watchProcess,
} from './templateUpgradeReport';
import {
  FROM_VERSION,
  OPTION_SETS,
  TEMPLATE,
  makeServices,
  plannedServices,
} from './templateUpgradeServices';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SERVICES = Number(arg('services', '200'));
const CONCURRENCIES = arg('concurrency', '4').split(',').map(Number);
const DB = args.includes('--postgres') ? 'postgres' : 'sqlite';
const KEEP = args.includes('--keep');
/** The bulk action's default `concurrency`, what the shipped template runs with. */
const DEFAULT_CONCURRENCY = 4;
const OUT_DIR = path.join(__dirname, 'out');
const RESULT_PREFIX = 'PAVED_ROAD_BENCH_RESULT ';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The work folder's parts: releases, the services as made, one copy per run. */
const paths = (work: string) => ({
  releases: path.join(work, 'releases.git'),
  services: path.join(work, 'services'),
  run: (c: number) => path.join(work, `run-c${c}`),
});

/** Phase `setup`: the N service repositories, rendered through the dry-run endpoint. */
async function setup(work: string) {
  const p = paths(work);
  await fs.mkdir(p.services, { recursive: true });
  const backend = await startUpgradeBackend({
    port: 7111,
    db: 'sqlite',
    entities: [],
    reposDir: p.services,
    releasesGitDir: p.releases,
    concurrentTasksLimit: 10,
  });
  try {
    const start = performance.now();
    const files = await makeServices({
      backend,
      releasesGitDir: p.releases,
      reposDir: p.services,
      services: plannedServices(SERVICES),
      parallel: 4,
    });
    return { ms: performance.now() - start, files };
  } finally {
    await backend.stop();
  }
}

interface Task {
  id: string;
  createdAt: string;
  status: string;
  spec: { templateInfo?: { entityRef?: string } };
}
interface TaskEvent {
  type: string;
  createdAt: string;
  body: { message?: string; output?: any; error?: { message: string } };
}

/** Phase `run`: one bulk upgrade of every service, `concurrency` at a time. */
async function run(work: string, concurrency: number): Promise<RunFigures> {
  const reposDir = path.join(paths(work).run(concurrency), 'repos');
  const services = plannedServices(SERVICES);
  const backend = await startUpgradeBackend({
    port: 7112,
    db: DB,
    entities: services.map(s =>
      serviceEntity({
        name: s.name,
        dir: path.join(reposDir, s.name),
        team: s.team,
        template: TEMPLATE,
        version: FROM_VERSION,
      }),
    ),
    reposDir,
    releasesGitDir: paths(work).releases,
    // The bulk task, and up to 16 service tasks beside it, never wait for a slot.
    concurrentTasksLimit: 32,
    bulkConcurrency:
      concurrency === DEFAULT_CONCURRENCY ? undefined : concurrency,
  });
  try {
    const stopWatching = watchProcess();
    const start = performance.now();
    const { id } = await backend.asUser('/api/scaffolder/v2/tasks', {
      method: 'POST',
      body: JSON.stringify({
        templateRef: 'template:default/upgrade-services',
        values: { template: `template:default/${TEMPLATE}` },
      }),
    });
    let status = 'open';
    while (!['completed', 'failed', 'cancelled'].includes(status)) {
      await sleep(250);
      ({ status } = await backend.asUser(`/api/scaffolder/v2/tasks/${id}`));
    }
    const wallMs = performance.now() - start;
    const watched = stopWatching();
    const events = (await backend.asUser(
      `/api/scaffolder/v2/tasks/${id}/events`,
    )) as TaskEvent[];
    const completion = events.find(e => e.type === 'completion');
    if (status !== 'completed' || !completion || completion.body.error) {
      throw new Error(
        `The bulk task ${status}: ${JSON.stringify(
          completion?.body ?? events,
        )}`,
      );
    }
    const warnings = events
      .map(e => e.body.message ?? '')
      .filter(m => /could not be recorded/.test(m));

    // Every task the user started: the bulk task and one per service.
    const tasks: Task[] = [];
    for (let total = Infinity; tasks.length < total; ) {
      const page = await backend.asUser(
        `/api/scaffolder/v2/tasks?createdBy=${encodeURIComponent(
          backend.userRef,
        )}&limit=100&offset=${tasks.length}`,
      );
      if (!page.tasks.length) break;
      tasks.push(...page.tasks);
      total = page.totalTasks;
    }
    const children = tasks.filter(
      t =>
        t.id !== id &&
        t.spec.templateInfo?.entityRef === 'template:default/upgrade-service',
    );
    const durations: number[] = [];
    const childStatus: Record<string, number> = {};
    for (const child of children) {
      childStatus[child.status] = (childStatus[child.status] ?? 0) + 1;
      const end = (
        (await backend.asUser(
          `/api/scaffolder/v2/tasks/${child.id}/events`,
        )) as TaskEvent[]
      ).find(e => e.type === 'completion');
      if (end)
        durations.push(Date.parse(end.createdAt) - Date.parse(child.createdAt));
    }
    const timestamps = children.map(c => c.createdAt);
    return {
      wallMs,
      summary: completion.body.output?.text?.[0]?.content as string,
      warnings,
      childStatus,
      durations: durations.sort((a, b) => a - b),
      // SQLite keeps the scaffolder's timestamps to the second.
      secondResolution: timestamps.every(t => !/\.\d*[1-9]/.test(t)),
      ...watched,
    };
  } finally {
    await backend.stop();
  }
}

/** The phase running now, stopped if the benchmark is interrupted. */
let running: ChildProcess | undefined;

/** Runs a phase in a fresh Node process, its output to bench/out/upgrades-<name>.log. */
function inChild(name: string, phaseArgs: string[]): Promise<any> {
  mkdirSync(OUT_DIR, { recursive: true });
  const logPath = path.join(OUT_DIR, `upgrades-${name}.log`);
  const logFd = openSync(logPath, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, __filename, ...args, ...phaseArgs],
      {
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    running = child;
    closeSync(logFd);
    child.on('error', reject);
    child.on('exit', code => {
      running = undefined;
      const out = readFileSync(logPath, 'utf8');
      const line = out.split('\n').find(l => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) {
        resolve(JSON.parse(line.slice(RESULT_PREFIX.length)));
      } else {
        reject(
          new Error(
            `The ${name} phase failed (exit ${code}); its output is in ${logPath}: ${out.slice(
              -3000,
            )}`,
          ),
        );
      }
    });
  });
}

/** Fails loudly unless every service's repository has the upgrade branch. */
async function checkBranches(reposDir: string, branch: string) {
  const missing: string[] = [];
  for (const { name } of plannedServices(SERVICES)) {
    const listed = await git(['branch', '--list', branch], {
      cwd: path.join(reposDir, name),
    });
    if (!listed.toString().includes(branch)) missing.push(name);
  }
  if (missing.length) {
    throw new Error(
      `${
        missing.length
      } of ${SERVICES} repositories have no branch ${branch}: ${missing
        .slice(0, 20)
        .join(', ')}${missing.length > 20 ? ', ...' : ''}`,
    );
  }
}

async function main() {
  const work = arg('work', '');
  if (args.includes('--phase')) {
    const phase = arg('phase', '');
    const result =
      phase === 'setup'
        ? await setup(work)
        : await run(work, Number(arg('run-concurrency', '0')));
    console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
    return;
  }
  if (!Number.isInteger(SERVICES) || SERVICES < 1) {
    throw new Error(
      `--services: '${arg('services', '')}' is not a number of services`,
    );
  }
  const badC = CONCURRENCIES.find(c => !Number.isInteger(c) || c < 1 || c > 16);
  if (badC !== undefined) {
    throw new Error(
      `--concurrency: each must be a whole number from 1 to 16 (the action's limit)`,
    );
  }
  const toVersion = yaml.parse(
    readFileSync(path.join(TEMPLATES_DIR, `${TEMPLATE}.yaml`), 'utf8'),
  ).metadata.annotations['backstage.io/template-version'];
  console.log(
    `Paved Road template-upgrade benchmark (${DB}, Node ${process.version}, ${
      os.cpus().length
    } cores): ${SERVICES} services, ${TEMPLATE} ${FROM_VERSION} -> ${toVersion}`,
  );
  const branch = `paved-road/upgrade-${TEMPLATE}-${toVersion}`;
  const workDir = await fs.mkdtemp(
    path.join(os.tmpdir(), 'paved-road-bench-upgrades-'),
  );
  const p = paths(workDir);
  // Interrupted: stop the phase running, remove the work folder and the databases.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running?.kill('SIGKILL');
      if (!KEEP) rmSync(workDir, { recursive: true, force: true });
      const exit = () => process.exit(130);
      if (DB === 'postgres') {
        dropDatabases('paved_road_bench_upgrades_').then(exit, exit);
      } else exit();
    });
  }
  try {
    execFileSync(process.execPath, [
      path.join(ROOT, 'scripts', 'template-releases.mjs'),
      p.releases,
    ]);
    const made = await inChild('setup', [
      '--phase',
      'setup',
      '--work',
      workDir,
    ]);
    const files = (made.files as number[]).sort((a, b) => a - b);
    console.log(
      `setup: ${SERVICES} repositories rendered one by one through the dry-run endpoint and committed in ${sec(
        made.ms,
      )} (${OPTION_SETS.length} option sets, ${files[0]} to ${
        files[files.length - 1]
      } files each)`,
    );
    for (const c of CONCURRENCIES) {
      const reposDir = path.join(p.run(c), 'repos');
      await fs.cp(p.services, reposDir, { recursive: true });
      const r = await inChild(`run-c${c}`, [
        '--phase',
        'run',
        '--work',
        workDir,
        '--run-concurrency',
        String(c),
      ]);
      await checkBranches(reposDir, branch);
      if (c !== DEFAULT_CONCURRENCY) {
        console.log(
          `\n(upgrade-services has no concurrency parameter: the catalog's copy passes concurrency: ${c} to its step)`,
        );
      }
      printRun(r, { services: SERVICES, concurrency: c, branch });
      if (!KEEP) await fs.rm(p.run(c), { recursive: true, force: true });
    }
  } finally {
    if (KEEP) console.log(`\nKept the work folder: ${workDir}`);
    else await fs.rm(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
