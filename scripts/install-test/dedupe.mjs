// Checks that installing the bundle added no second copy of any @backstage/* package: each
// @paved-road package must resolve its @backstage/* dependencies to the very copy the app
// package hosting it resolves (two copies of plugin-catalog-react are two React contexts;
// two of plugin-scaffolder-node, two extension points).
//
//   node scripts/install-test/dedupe.mjs <app dir>    exits 1 naming each duplicate
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const readJson = file => JSON.parse(readFileSync(file, 'utf8'));

/** The directory of `name` as code in `fromDir` resolves it, or undefined. */
function resolveFrom(fromDir, name) {
  try {
    const require = createRequire(resolve(fromDir, 'package.json'));
    return realpathSync(dirname(require.resolve(`${name}/package.json`)));
  } catch {
    return undefined;
  }
}

/** Problems found in one app; empty when every @backstage/* copy is shared. */
export function findDuplicates(dir) {
  const appDir = resolve(dir);
  const problems = [];
  const hosts = ['packages/app', 'packages/backend'].map(dir =>
    join(appDir, dir),
  );
  const show = dir => relative(appDir, dir);
  // The @paved-road packages each host depends on, with their own @paved-road deps.
  const visit = (pkgDir, hostDir, seen) => {
    const pkg = readJson(join(pkgDir, 'package.json'));
    if (seen.has(pkg.name)) return;
    seen.add(pkg.name);
    const nested = join(pkgDir, 'node_modules/@backstage');
    if (existsSync(nested)) {
      problems.push(
        `${pkg.name} has its own copies of ${readdirSync(nested)
          .map(n => `@backstage/${n}`)
          .join(', ')} (${show(nested)})`,
      );
    }
    const deps = { ...pkg.dependencies, ...pkg.peerDependencies };
    for (const name of Object.keys(deps)) {
      const ours = resolveFrom(pkgDir, name);
      if (name.startsWith('@paved-road/')) {
        if (ours) visit(ours, hostDir, seen);
        else problems.push(`${pkg.name}: ${name} is not installed`);
        continue;
      }
      if (!name.startsWith('@backstage/')) continue;
      const host = resolveFrom(hostDir, name);
      if (!ours) {
        problems.push(`${pkg.name}: ${name} is not installed`);
      } else if (host && host !== ours) {
        const version = dir => readJson(join(dir, 'package.json')).version;
        problems.push(
          `${pkg.name} uses ${name} ${version(ours)} from ${show(
            ours,
          )}, but ${show(hostDir)} uses ${version(host)} from ${show(host)}`,
        );
      }
    }
  };
  let found = 0;
  for (const hostDir of hosts) {
    const deps = readJson(join(hostDir, 'package.json')).dependencies ?? {};
    for (const name of Object.keys(deps).filter(n =>
      n.startsWith('@paved-road/'),
    )) {
      const dir = resolveFrom(hostDir, name);
      if (!dir) {
        problems.push(`${show(hostDir)}: ${name} is not installed`);
        continue;
      }
      found += 1;
      visit(dir, hostDir, new Set());
    }
  }
  if (!found) problems.push('no @paved-road package is installed in the app');
  return problems;
}

if (
  process.argv[1] &&
  import.meta.url.endsWith(process.argv[1].split('/').pop())
) {
  const appDir = process.argv[2];
  if (!appDir) {
    console.error('usage: dedupe.mjs <app dir>');
    process.exit(2);
  }
  const problems = findDuplicates(appDir);
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(
    `${appDir}: every @backstage/* package the bundle uses is the app's own copy`,
  );
}
