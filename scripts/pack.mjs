#!/usr/bin/env node
// Builds and packs the five published packages, then checks what each tarball holds.
//
//   node scripts/pack.mjs [--out <dir>] [--no-build]
//
// Runs `tsc` and `backstage-cli package build` (unless --no-build), then `npm pack` in
// each package directory, which runs `backstage-cli package prepack`/`postpack` (the
// package.json is rewritten to its publishConfig for the pack, then put back). Writes
// the tarballs and <dir>/packs.json (`{ "<name>": { "version", "tarball" } }`, tarball
// an absolute path; default dir dist-packs/), which the install test reads, and checks
// each tarball (scripts/pack-check.mjs). Exits non-zero naming every problem; a
// package.json that a failed or interrupted pack left rewritten is restored.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTarball, summarise } from './pack-check.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Files backstage-cli prepack writes next to package.json and postpack removes.
const PREPACK_LEFTOVERS = ['package.json-prepack', 'config.schema.json'];

function parseArgs(argv) {
  const args = { out: join(root, 'dist-packs'), build: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-build') args.build = false;
    else if (arg === '--out' && argv[i + 1]) args.out = resolve(argv[++i]);
    else if (arg.startsWith('--out=')) args.out = resolve(arg.slice(6));
    else if (arg === '-h' || arg === '--help') {
      console.log('Usage: node scripts/pack.mjs [--out <dir>] [--no-build]');
      process.exit(0);
    } else {
      console.error(`Unknown option '${arg}' (try --help)`);
      process.exit(2);
    }
  }
  return args;
}

const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The workspace's published packages: plugins/* that are not private. */
function publishedPackages() {
  return fs
    .readdirSync(join(root, 'plugins'), { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(d => join(root, 'plugins', d.name))
    .sort()
    .filter(dir => fs.existsSync(join(dir, 'package.json')))
    .map(dir => ({ dir, pkg: readJson(join(dir, 'package.json')) }))
    .filter(({ pkg }) => !pkg.private);
}

let running; // the child process, so a signal can wait for it
let interrupted = false;
let unlock = () => {};
function run(command, args, cwd) {
  // After a signal nothing new starts: the handler restores and exits.
  if (interrupted) return new Promise(() => {});
  return new Promise(resolveRun => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running = child;
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    child.on('close', code => {
      running = undefined;
      resolveRun({ code, output });
    });
  });
}

/** Puts back every package.json (and removes prepack's files) a pack left behind. */
const snapshots = [];
function restore() {
  for (const { dir, text, existing } of snapshots) {
    const file = join(dir, 'package.json');
    if (fs.readFileSync(file, 'utf8') !== text) {
      fs.writeFileSync(file, text);
      console.error(`restored ${relative(root, file)}`);
    }
    for (const name of PREPACK_LEFTOVERS) {
      if (!existing.has(name)) fs.rmSync(join(dir, name), { force: true });
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, async () => {
    interrupted = true;
    const child = running;
    if (child) {
      const closed = new Promise(r => child.once('close', r));
      child.kill(signal);
      await closed;
    }
    restore();
    unlock();
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal] ?? 0));
  });
}

/**
 * Why the package.json is not the workspace's own (a pack elsewhere has rewritten it and
 * not put it back yet, or was interrupted), or undefined. Packing it again would back up
 * the rewritten file as the original.
 */
function unfinishedPack(dir, pkg) {
  const where = relative(root, dir);
  if (fs.existsSync(join(dir, 'package.json-prepack'))) {
    return `${where}/package.json-prepack exists: another pack is running, or one was interrupted (compare both with git before restoring package.json)`;
  }
  if (!String(pkg.main).startsWith('src/')) {
    return `${where}/package.json is rewritten for publishing (main '${pkg.main}')`;
  }
  return undefined;
}

/**
 * One pack at a time in this working tree: two would rewrite the same package.json.
 * Returns a function that releases the lock.
 */
function lock() {
  const file = join(root, 'node_modules', '.cache', 'paved-road-pack.lock');
  fs.mkdirSync(dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    let alive = false;
    try {
      alive = pid > 0 && process.kill(pid, 0);
    } catch {
      // the holder is gone; the lock is stale
    }
    if (alive) {
      throw new Error(
        `another scripts/pack.mjs (pid ${pid}) is packing in this working tree`,
      );
    }
    fs.writeFileSync(file, String(process.pid));
  }
  return () => fs.rmSync(file, { force: true });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  unlock = lock();
  const packages = publishedPackages();
  const failures = [];

  if (args.build) {
    console.log('type check (tsc) and build');
    const tsc = await run('npx', ['tsc'], root);
    if (tsc.code !== 0) {
      console.error(tsc.output);
      throw new Error('tsc failed; nothing was packed');
    }
    for (const { dir } of packages) {
      const build = await run(
        'npx',
        ['backstage-cli', 'package', 'build'],
        dir,
      );
      if (build.code !== 0) {
        console.error(build.output);
        throw new Error(`build failed in ${relative(root, dir)}`);
      }
    }
  }

  fs.mkdirSync(args.out, { recursive: true });
  fs.rmSync(join(args.out, 'packs.json'), { force: true });
  const packs = {};
  for (const source of packages) {
    const { dir, pkg } = source;
    const tarball = join(
      args.out,
      `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`,
    );
    fs.rmSync(tarball, { force: true });
    const unfinished = unfinishedPack(dir, pkg);
    if (unfinished) {
      failures.push(`${pkg.name}: ${unfinished}; not packed`);
      continue;
    }
    snapshots.push({
      dir,
      text: fs.readFileSync(join(dir, 'package.json'), 'utf8'),
      existing: new Set(
        PREPACK_LEFTOVERS.filter(f => fs.existsSync(join(dir, f))),
      ),
    });
    const pack = await run(
      'npm',
      ['pack', '--pack-destination', args.out],
      dir,
    );
    restore();
    if (pack.code !== 0 || !fs.existsSync(tarball)) {
      console.error(pack.output);
      failures.push(`${pkg.name}: npm pack failed (exit code ${pack.code})`);
      continue;
    }
    const { problems, files } = checkTarball(tarball, source);
    const kb = (fs.statSync(tarball).size / 1024).toFixed(0);
    console.log(`${pkg.name}@${pkg.version}: ${files.length} files, ${kb} kB`);
    console.log(`  ${summarise(files).join('\n  ')}`);
    failures.push(...problems.map(p => `${pkg.name}: ${p}`));
    packs[pkg.name] = { version: pkg.version, tarball };
  }

  if (failures.length) {
    console.error(`\n${failures.length} problem(s):`);
    for (const failure of failures) console.error(`  - ${failure}`);
    process.exitCode = 1;
    return;
  }
  fs.writeFileSync(
    join(args.out, 'packs.json'),
    `${JSON.stringify(packs, null, 2)}\n`,
  );
  console.log(`wrote ${join(args.out, 'packs.json')}`);
}

main()
  .catch(error => {
    restore();
    console.error(error.message);
    process.exitCode = 1;
  })
  .finally(() => unlock());
