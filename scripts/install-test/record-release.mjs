#!/usr/bin/env node
// Records a Backstage release manifest (the shape versions.backstage.io serves and
// `backstage-cli versions:bump` reads from $BACKSTAGE_MANIFEST_FILE) from the npm
// registry, for machines that reach npm but not versions.backstage.io:
//
//   node scripts/install-test/record-release.mjs releases/1.55.0.json 1.57.0 > releases/1.57.0.json
//
// Every package of the base manifest gets the version its `latest` dist-tag names, so run
// it while the release being recorded is the latest one.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [basePath, releaseVersion] = process.argv.slice(2);
if (!basePath || !/^\d+\.\d+\.\d+$/.test(releaseVersion ?? '')) {
  console.error('usage: record-release.mjs <base manifest> <release version>');
  process.exit(2);
}
const base = JSON.parse(readFileSync(basePath, 'utf8'));
const packages = base.packages.map(({ name }) => {
  const tags = JSON.parse(
    execFileSync('npm', ['view', name, 'dist-tags', '--json'], {
      encoding: 'utf8',
    }),
  );
  return { name, version: tags.latest };
});
process.stdout.write(
  `${JSON.stringify({ releaseVersion, packages }, null, 2)}\n`,
);
