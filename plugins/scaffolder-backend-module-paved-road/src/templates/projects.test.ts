import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  GoldenPath,
  loadGoldenPaths,
  optionCombinations,
  writeContents,
} from './__testUtils__/goldenPaths';
import {
  FIXED_OPTIONS,
  dryRun,
  formValues,
  startScaffolder,
} from './__testUtils__/scaffolderHarness';

const exec = promisify(execFile);

jest.setTimeout(15 * 60_000);

/** Debian's python3 carries the test dependencies (python3-fastapi, python3-pytest...). */
const PYTHON = process.env.PAVED_ROAD_PYTHON ?? '/usr/bin/python3';

async function run(cmd: string, args: string[], cwd: string) {
  try {
    await exec(cmd, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CI: 'true' },
    });
  } catch (error: any) {
    throw new Error(
      `'${cmd} ${args.join(' ')}' failed in ${cwd}:\n${error.stdout ?? ''}\n${
        error.stderr ?? ''
      }`,
    );
  }
}

/**
 * One project per template and language (or kind), with every option switched on, so
 * the code each option adds is built and tested too.
 */
function projects(goldenPaths: GoldenPath[]) {
  return goldenPaths.flatMap(goldenPath => {
    const combos = optionCombinations(goldenPath.template, FIXED_OPTIONS);
    const axis = ['language', 'kind'].find(key => combos.some(c => key in c));
    const values = axis ? [...new Set(combos.map(c => c[axis]))] : [undefined];
    return values.map(value => {
      const candidates = combos.filter(c => !axis || c[axis] === value);
      const options =
        candidates.find(c => Object.values(c).every(v => v !== false)) ??
        candidates[0];
      return { goldenPath, options };
    });
  });
}

describe('projects generated from the golden paths', () => {
  it('install, build and pass their own tests in every language', async () => {
    const goldenPaths = await loadGoldenPaths();
    const server = await startScaffolder();
    const built: string[] = [];
    for (const { goldenPath, options } of projects(goldenPaths)) {
      const label = `${goldenPath.name} ${JSON.stringify(options)}`;
      const res = await dryRun(
        server,
        goldenPath,
        formValues(goldenPath, options),
      );
      expect({ label, status: res.status }).toEqual({ label, status: 200 });
      const dir = await fs.mkdtemp(
        path.join(os.tmpdir(), `paved-road-build-${goldenPath.name}-`),
      );
      await writeContents(dir, res.body.directoryContents);
      const files = new Set(
        res.body.directoryContents.map((f: { path: string }) => f.path),
      );

      if (files.has('package.json')) {
        // The generated package-lock.json, as the project's CI and Dockerfile use it.
        await run(
          'npm',
          ['ci', '--no-audit', '--no-fund', '--loglevel=error'],
          dir,
        );
        await run('npm', ['run', 'build'], dir);
        await run('npm', ['test'], dir);
      } else if (files.has('requirements.txt') || files.has('pyproject.toml')) {
        await run(
          PYTHON,
          ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'],
          dir,
        );
      } else {
        throw new Error(
          `${label}: generated neither package.json nor a Python project`,
        );
      }
      built.push(label);
      await fs.rm(dir, { recursive: true, force: true });
    }
    expect(built.length).toBeGreaterThanOrEqual(7);
  });
});
