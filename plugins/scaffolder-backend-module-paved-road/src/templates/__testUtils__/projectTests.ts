import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GoldenPath, optionCombinations } from './goldenPaths';
import { FIXED_OPTIONS } from './scaffolderHarness';

const exec = promisify(execFile);

/** Debian's python3 carries the test dependencies (python3-fastapi, python3-pytest...). */
export const PYTHON = process.env.PAVED_ROAD_PYTHON ?? '/usr/bin/python3';

/** Runs a command in `cwd`; resolves with its output, or throws with the output in the message. */
export async function run(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<string> {
  try {
    const { stdout, stderr } = await exec(cmd, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CI: 'true' },
    });
    return `${stdout}\n${stderr}`;
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
export function projects(goldenPaths: GoldenPath[]) {
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

/**
 * Installs, builds and runs the own tests of the project written to `dir` (whose files are
 * `files`), as its CI does: `npm ci && npm run build && npm test` for a Node project (with
 * the generated package-lock.json), pytest for a Python one. Resolves with the test run's
 * output.
 */
export async function runOwnTests(
  dir: string,
  files: Iterable<string>,
  label: string,
): Promise<string> {
  const paths = new Set(files);
  if (paths.has('package.json')) {
    await run(
      'npm',
      ['ci', '--no-audit', '--no-fund', '--loglevel=error'],
      dir,
    );
    await run('npm', ['run', 'build'], dir);
    return run('npm', ['test'], dir);
  }
  if (paths.has('requirements.txt') || paths.has('pyproject.toml')) {
    return run(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], dir);
  }
  throw new Error(
    `${label}: generated neither package.json nor a Python project`,
  );
}
