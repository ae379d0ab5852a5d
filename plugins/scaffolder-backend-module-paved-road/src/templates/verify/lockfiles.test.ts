import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { templatesDir } from '../__testUtils__/goldenPaths';
import { Render, useEveryCombination } from '../__testUtils__/renders';

const exec = promisify(execFile);

jest.setTimeout(15 * 60_000);

/**
 * Where a render's package-lock.json comes from in templates/. api-service's dependencies
 * depend on its options, so it has one lockfile per combination, fetched by the
 * `fetch-lockfile` step.
 */
function lockfileSource(render: Render): string {
  const { name } = render.goldenPath;
  if (name === 'api-service') {
    const variant =
      [
        render.options.needsDatabase ? 'database' : '',
        render.options.needsQueue ? 'queue' : '',
      ]
        .filter(Boolean)
        .join('-') || 'plain';
    return path.join(
      templatesDir,
      name,
      'skeleton/options/lockfile',
      variant,
      'package-lock.json',
    );
  }
  if (name === 'platform-tool')
    return path.join(templatesDir, name, 'skeleton/package-lock.json');
  return path.join(templatesDir, name, 'skeleton/typescript/package-lock.json');
}

/** The template expression for the package name, which the lockfile repeats. */
function nameExpression(render: Render) {
  return render.goldenPath.name === 'platform-tool'
    ? '@${{ values.npmScope }}/${{ values.name }}'
    : '${{ values.name }}';
}

const UPDATE = Boolean(process.env.PAVED_ROAD_UPDATE_LOCKFILES);

/**
 * Every TypeScript project is generated with a package-lock.json that matches its
 * package.json, so its CI, its Dockerfile and its scans use `npm ci` and see the exact
 * dependency tree. `PAVED_ROAD_UPDATE_LOCKFILES=1` regenerates the lockfiles in templates/
 * from the rendered package.json files (`npm install --package-lock-only`, needs the registry).
 */
describe('lockfiles of the generated TypeScript projects', () => {
  const rendered = useEveryCombination();
  const typescriptRenders = () =>
    rendered.renders.filter(r => r.files.includes('package.json'));

  // Only with PAVED_ROAD_UPDATE_LOCKFILES: writes templates/, and needs the registry.
  if (UPDATE) {
    it('regenerate (PAVED_ROAD_UPDATE_LOCKFILES)', async () => {
      const done = new Set<string>();
      for (const render of typescriptRenders()) {
        const target = lockfileSource(render);
        if (done.has(target)) continue;
        done.add(target);
        const dir = await fs.mkdtemp(
          path.join(os.tmpdir(), 'paved-road-lock-'),
        );
        const pkgText = await fs.readFile(
          path.join(render.dir, 'package.json'),
          'utf8',
        );
        await fs.writeFile(path.join(dir, 'package.json'), pkgText);
        await exec(
          'npm',
          [
            'install',
            '--package-lock-only',
            '--ignore-scripts',
            '--no-audit',
            '--no-fund',
          ],
          { cwd: dir, maxBuffer: 64 * 1024 * 1024 },
        );
        const name = JSON.parse(pkgText).name;
        const lock = JSON.parse(
          await fs.readFile(path.join(dir, 'package-lock.json'), 'utf8'),
        );
        lock.name = nameExpression(render);
        lock.packages[''].name = nameExpression(render);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, `${JSON.stringify(lock, null, 2)}\n`);
        expect(name).toBeTruthy();
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('every TypeScript project has a package-lock.json in step with its package.json', async () => {
    const problems: string[] = [];
    for (const render of typescriptRenders()) {
      if (!render.files.includes('package-lock.json')) {
        problems.push(`${render.label}: no package-lock.json`);
        continue;
      }
      const pkg = JSON.parse(
        await fs.readFile(path.join(render.dir, 'package.json'), 'utf8'),
      );
      const lock = JSON.parse(
        await fs.readFile(path.join(render.dir, 'package-lock.json'), 'utf8'),
      );
      const rootEntry = lock.packages?.[''] ?? {};
      for (const field of ['dependencies', 'devDependencies'] as const) {
        const want = JSON.stringify(pkg[field] ?? {});
        const got = JSON.stringify(rootEntry[field] ?? {});
        if (want !== got)
          problems.push(
            `${render.label}: package-lock.json ${field} ${got} != package.json ${want}`,
          );
      }
      if (lock.name !== pkg.name || rootEntry.name !== pkg.name)
        problems.push(
          `${render.label}: package-lock.json is for '${lock.name}', not '${pkg.name}'`,
        );
      for (const dep of Object.keys({
        ...pkg.dependencies,
        ...pkg.devDependencies,
      })) {
        if (!lock.packages?.[`node_modules/${dep}`])
          problems.push(
            `${render.label}: package-lock.json does not lock ${dep}`,
          );
      }
    }
    expect(problems).toEqual([]);
    expect(typescriptRenders().length).toBeGreaterThanOrEqual(9);
  });
});
