import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { templatesDir } from './goldenPaths';

const exec = promisify(execFile);

/** The repository root (templates/ is directly under it). */
export const repoRoot = path.resolve(templatesDir, '..');

/**
 * The consuming tools the verification runs, where `scripts/consumer-tools.sh` installs
 * them, and how to get them when they are missing.
 */
const TOOLS = {
  promtool: {
    env: 'PAVED_ROAD_PROMTOOL',
    install:
      "scripts/consumer-tools.sh (Debian's prometheus package, unpacked into .cache/tools/)",
  },
  shellcheck: {
    env: 'PAVED_ROAD_SHELLCHECK',
    install: 'apt-get install -y shellcheck',
  },
  yamllint: {
    env: 'PAVED_ROAD_YAMLLINT',
    install: 'apt-get install -y yamllint',
  },
  terraform: {
    env: 'PAVED_ROAD_TERRAFORM',
    install:
      'a terraform binary on PATH (https://developer.hashicorp.com/terraform/install)',
  },
  kubectl: {
    env: 'PAVED_ROAD_KUBECTL',
    install:
      'a kubectl binary (1.27 or later, with kustomize built in) on PATH',
  },
} as const;

export type ToolName = keyof typeof TOOLS;

/** Absolute path of a tool: `$PAVED_ROAD_<TOOL>`, then `.cache/tools/bin`, then PATH. */
export function findTool(name: ToolName): string | undefined {
  const fromEnv = process.env[TOOLS[name].env];
  if (fromEnv) return fromEnv;
  const dirs = [
    path.join(repoRoot, '.cache', 'tools', 'bin'),
    ...(process.env.PATH ?? '').split(path.delimiter),
  ];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Like {@link findTool}, but throws how to install the tool when it is missing. */
export function requireTool(name: ToolName): string {
  const found = findTool(name);
  if (!found) {
    throw new Error(
      `${name} is needed to verify the generated projects and was not found (set ${TOOLS[name].env}, or install: ${TOOLS[name].install})`,
    );
  }
  return found;
}

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and returns its exit code and output, without throwing on failure. */
export async function runTool(
  cmd: string,
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ToolRun> {
  try {
    const { stdout, stderr } = await exec(cmd, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error: any) {
    if (typeof error.code !== 'number') throw error;
    return {
      code: error.code,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    };
  }
}
