import fs from 'node:fs/promises';
import path from 'node:path';
import { Render } from '../renders';
import { requireTool, runTool } from '../tools';
import { workflowSteps } from './workflows';

/**
 * yamllint's defaults, with the line length GitHub's and Kubernetes' long expressions need,
 * and without the rules that only fight the YAML style Kubernetes and GitHub document
 * (`on:` as a key, no `---` at the top).
 */
export const YAMLLINT_CONFIG = JSON.stringify({
  extends: 'default',
  rules: {
    'line-length': 'disable',
    'document-start': 'disable',
    truthy: { 'check-keys': false },
  },
});

/** yamllint over every YAML file of the render. */
export async function yamllintProblems(render: Render): Promise<string[]> {
  const files = render.files.filter(f => /\.ya?ml$/.test(f));
  if (files.length === 0) return [];
  const run = await runTool(
    requireTool('yamllint'),
    ['-f', 'parsable', '-d', YAMLLINT_CONFIG, ...files],
    { cwd: render.dir },
  );
  return run.code === 0 ? [] : [`yamllint:\n${run.stdout}${run.stderr}`];
}

/**
 * shellcheck over the shell the project runs: its `*.sh` files, and every workflow `run:`
 * block as GitHub runs it (`bash -e`), with `${{ }}` expressions replaced by a plain word.
 */
export async function shellcheckProblems(render: Render): Promise<string[]> {
  const shellcheck = requireTool('shellcheck');
  const problems: string[] = [];
  const scripts = render.files.filter(f => f.endsWith('.sh'));
  if (scripts.length > 0) {
    const run = await runTool(shellcheck, ['-f', 'gcc', ...scripts], {
      cwd: render.dir,
    });
    if (run.code !== 0)
      problems.push(`shellcheck:\n${run.stdout}${run.stderr}`);
  }
  const scratch = await fs.mkdtemp(path.join(render.dir, '..', 'shellcheck-'));
  try {
    for (const [index, { where, step }] of (
      await workflowSteps(render)
    ).entries()) {
      if (!step.run) continue;
      const file = path.join(scratch, `step-${index}.sh`);
      const body = step.run.replace(/\$\{\{[^}]*\}\}/g, 'EXPRESSION');
      await fs.writeFile(file, `#!/usr/bin/env bash\nset -e\n${body}`);
      const run = await runTool(shellcheck, ['-f', 'gcc', file]);
      if (run.code !== 0) {
        problems.push(
          `shellcheck, ${where} run:\n${run.stdout.replaceAll(file, 'run')}${
            run.stderr
          }`,
        );
      }
    }
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
  return problems;
}
