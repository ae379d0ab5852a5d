#!/usr/bin/env node
// Checks (or, with --write, sets) the @backstage/* dependency ranges of the bundle's
// packages so that every supported Backstage release satisfies them: a package installed
// into an app of any of those releases then shares the app's copy of each @backstage/*
// package instead of nesting its own (two copies of plugin-catalog-react or
// plugin-scaffolder-node mean two React contexts or two extension points).
//
//   node scripts/install-test/ranges.mjs           check; exits 1 naming each bad range
//   node scripts/install-test/ranges.mjs --write   widen the ranges: ^oldest, or ^oldest || ^newest
//
// The supported releases are the manifests in releases/ named in backstage.json's
// `supportedReleases`.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const write = process.argv.includes('--write');
const { supportedReleases } = JSON.parse(
  readFileSync(join(root, 'backstage.json'), 'utf8'),
);
const manifests = supportedReleases.map(version => {
  const manifest = JSON.parse(
    readFileSync(
      join(root, 'scripts/install-test/releases', `${version}.json`),
      'utf8',
    ),
  );
  return {
    version,
    packages: new Map(manifest.packages.map(p => [p.name, p.version])),
  };
});

const problems = [];
for (const dir of readdirSync(join(root, 'plugins'), { withFileTypes: true })) {
  if (!dir.isDirectory()) continue;
  const file = join(root, 'plugins', dir.name, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  let changed = false;
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (!name.startsWith('@backstage/')) continue;
      const versions = manifests.map(m => ({
        release: m.version,
        version: m.packages.get(name),
      }));
      const unknown = versions.filter(v => !v.version);
      if (unknown.length) {
        problems.push(
          `${
            pkg.name
          } ${field}.${name}: not in the release manifest of ${unknown
            .map(v => v.release)
            .join(', ')}`,
        );
        continue;
      }
      if (write) {
        const wanted = [...new Set(versions.map(v => v.version))]
          .sort(semver.compare)
          .reduce(
            (ranges, version) =>
              ranges.some(r => semver.satisfies(version, r))
                ? ranges
                : [...ranges, `^${version}`],
            [],
          )
          .join(' || ');
        if (wanted !== range) {
          pkg[field][name] = wanted;
          changed = true;
        }
        continue;
      }
      for (const { release, version } of versions) {
        if (!semver.satisfies(version, range)) {
          problems.push(
            `${pkg.name} ${field}.${name}: '${range}' does not accept ${version}, the version in Backstage ${release}`,
          );
        }
      }
    }
  }
  if (changed) writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(
  `Every @backstage/* dependency of the plugins accepts Backstage ${supportedReleases.join(
    ' and ',
  )}.`,
);
