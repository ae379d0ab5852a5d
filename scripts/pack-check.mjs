// Checks a packed tarball of one of the workspace's packages: what it must hold (README,
// CHANGELOG, built entry points, the package's own folders such as migrations) and what
// it must not (sources, tests, workspace ranges). Used by scripts/pack.mjs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { join, relative } from 'node:path';

/** Never in a tarball: sources, declarations before bundling, tests and their helpers. */
const FORBIDDEN = [
  /(^|\/)src\//,
  /(^|\/)dist-types\//,
  /(^|\/)(__testUtils__|__fixtures__|__mocks__|fixtures)\//,
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /(^|\/)setupTests\./,
  /(^|\/)node_modules\//,
  /(^|\/)\.eslintrc/,
  /\.tsbuildinfo$/,
  /(^|\/)report(-[^/]+)?\.api\.md$/,
  /package\.json-prepack$/,
];
const LOCAL_RANGE = /^(workspace|file|link|portal):/;
const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
];

/** Every file under a folder of the source package, relative to the package. */
function filesUnder(dir, sub) {
  return fs
    .readdirSync(join(dir, sub), { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => relative(dir, join(e.parentPath ?? e.path, e.name)));
}

/**
 * String leaves of exports/typesVersions: the files they point at. The `backstage`
 * condition names a feature type (`@backstage/FrontendPlugin`), not a file.
 */
function targets(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(targets);
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([key]) => key !== 'backstage')
      .flatMap(([, v]) => targets(v));
  }
  return [];
}

/**
 * Problems with one tarball (empty when it is fine) and its files, given the source
 * package it was packed from (`{ dir, pkg }`).
 *
 * @returns {{ problems: string[], files: string[] }}
 */
export function checkTarball(tarball, source) {
  const problems = [];
  const files = new Set(
    execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(f => f.replace(/^package\//, '')),
  );
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  const need = (file, why) => {
    const path = file.replace(/^\.\//, '');
    if (!files.has(path))
      problems.push(`${why} '${path}' is not in the tarball`);
  };
  for (const file of ['package.json', 'README.md', 'CHANGELOG.md']) {
    need(file, 'required file');
  }
  if (![...files].some(f => f.startsWith('dist/'))) {
    problems.push('no dist/ files (was the package built?)');
  }
  // Folders shipped as they are in the source (migrations, scorecards): every file.
  for (const entry of source.pkg.files ?? []) {
    const path = join(source.dir, entry);
    if (entry === 'dist' || !fs.existsSync(path)) continue;
    if (fs.statSync(path).isDirectory()) {
      for (const file of filesUnder(source.dir, entry))
        need(file, `'${entry}'`);
    } else if (entry !== source.pkg.configSchema) {
      need(entry, 'listed file');
    }
  }
  for (const field of ['main', 'types']) {
    if (!manifest[field]) problems.push(`package.json has no '${field}'`);
    else need(manifest[field], `package.json '${field}'`);
  }
  for (const field of ['module', 'configSchema']) {
    if (manifest[field]) need(manifest[field], `package.json '${field}'`);
  }
  for (const target of targets(manifest.exports)) {
    need(target, "package.json 'exports' target");
  }
  for (const target of targets(manifest.typesVersions)) {
    need(target, "package.json 'typesVersions' target");
  }
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (LOCAL_RANGE.test(range)) {
        problems.push(`${field} has a local range: ${name}@${range}`);
      }
    }
  }
  for (const file of files) {
    if (FORBIDDEN.some(pattern => pattern.test(file))) {
      problems.push(`'${file}' must not be published`);
    }
  }
  return { problems, files: [...files].sort(), manifest };
}

/** Top-level files, and folders with their file counts. */
export function summarise(files) {
  const folders = new Map();
  const top = [];
  for (const file of files) {
    const slash = file.indexOf('/');
    if (slash < 0) top.push(file);
    else {
      const folder = file.slice(0, slash + 1);
      folders.set(folder, (folders.get(folder) ?? 0) + 1);
    }
  }
  return [...top, ...[...folders].map(([f, n]) => `${f} (${n} files)`)];
}
