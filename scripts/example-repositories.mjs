#!/usr/bin/env node
// Makes each example repository (examples/repos/<name>) a git repository of its own under
// a folder, default .local-repos/ (pavedRoad.publishLocal.directory of the dev instance):
//
//   node scripts/example-repositories.mjs [<folder>]
//
// The dev instance registers the example services from there, as it registers services
// created from the Create page, so the template upgrade can read them and commit upgrades
// to a branch (paved-road:publish:local-branch). A copy is left alone while its example is
// unchanged (so upgrade branches survive restarts) and made again when the example changes.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const examples = path.join(root, 'examples', 'repos');
const out = path.resolve(process.argv[2] ?? path.join(root, '.local-repos'));
const env = { ...process.env };
for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE'])
  delete env[key];

/** Every file below `dir`, sorted, as [relative path, absolute path]. */
function files(dir, prefix = '') {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap(entry => {
      const rel = path.posix.join(prefix, entry.name);
      return entry.isDirectory()
        ? files(dir, rel)
        : [[rel, path.join(dir, rel)]];
    })
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

fs.mkdirSync(out, { recursive: true });
for (const name of fs.readdirSync(examples).sort()) {
  const source = path.join(examples, name);
  const hash = crypto.createHash('sha256');
  for (const [rel, abs] of files(source)) {
    hash.update(`${rel}\0${fs.statSync(abs).mode & 0o111 ? 'x' : '-'}\0`);
    hash.update(fs.readFileSync(abs));
  }
  const digest = hash.digest('hex');
  const target = path.join(out, name);
  const marker = path.join(target, '.git', 'paved-road-example');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === digest)
    continue;
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(source, target, { recursive: true });
  // The first commit is dated when the service was scaffolded (or made, if hand-rolled).
  const catalog = fs.readFileSync(
    path.join(target, 'catalog-info.yaml'),
    'utf8',
  );
  const date =
    catalog.match(/paved-road\.io\/scaffolded-at:\s*'?([^'\s]+)/)?.[1] ??
    '2026-01-05T09:00:00Z';
  const git = (...args) =>
    execFileSync('git', args, {
      cwd: target,
      stdio: 'pipe',
      env: {
        ...env,
        GIT_AUTHOR_NAME: 'CloudCart',
        GIT_AUTHOR_EMAIL: 'engineering@cloudcart.example',
        GIT_COMMITTER_NAME: 'CloudCart',
        GIT_COMMITTER_EMAIL: 'engineering@cloudcart.example',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    });
  git('init', '--quiet', '--initial-branch', 'main');
  git('add', '--all');
  git('commit', '--quiet', '-m', `${name}: the CloudCart example repository`);
  fs.writeFileSync(marker, digest);
  console.log(
    `${path.relative(root, target)}: made from examples/repos/${name}`,
  );
}
