import { parse } from '@cdktf/hcl2json';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Render } from '../renders';
import { requireTool, runTool } from '../tools';

/** The folders of a render that hold Terraform modules. */
export function terraformModules(render: Render): string[] {
  return [
    ...new Set(
      render.files
        .filter(f => f.endsWith('.tf'))
        .map(f => path.posix.dirname(f)),
    ),
  ].sort();
}

/** `terraform fmt -check`: the files are as terraform itself formats them. */
export async function fmtProblems(render: Render, module: string) {
  const run = await runTool(
    requireTool('terraform'),
    ['fmt', '-check', '-diff', '-no-color'],
    { cwd: path.join(render.dir, module), env: quietTerraform() },
  );
  return run.code === 0
    ? []
    : [`terraform fmt -check in ${module}:\n${run.stdout}${run.stderr}`];
}

function quietTerraform(): NodeJS.ProcessEnv {
  return {
    TF_CLI_CONFIG_FILE: '/dev/null',
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
  };
}

/**
 * `terraform validate` before `terraform init`: providers cannot be downloaded here, so
 * terraform stops at "Missing required provider" once the configuration has loaded. Any other
 * error (a duplicate `required_providers`, a syntax error, an unsupported block) is a
 * configuration that `terraform init` would refuse too.
 */
export async function configurationProblems(render: Render, module: string) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-tf-'));
  try {
    const run = await runTool(
      requireTool('terraform'),
      ['validate', '-no-color'],
      {
        cwd: path.join(render.dir, module),
        env: { ...quietTerraform(), TF_DATA_DIR: dataDir },
      },
    );
    const output = `${run.stdout}${run.stderr}`;
    const errors = [...output.matchAll(/^Error: (.+)$/gm)].map(m => m[1]);
    const unexpected = errors.filter(e => e !== 'Missing required provider');
    return unexpected.length === 0 && (run.code === 0 || errors.length > 0)
      ? []
      : [`terraform validate (before init) in ${module}:\n${output}`];
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach(v => strings(v, out));
  else if (value && typeof value === 'object')
    Object.values(value).forEach(v => strings(v, out));
  return out;
}

/**
 * What `terraform validate` would check after init, as far as the configuration alone tells
 * (parsed with `@cdktf/hcl2json`): one `required_providers` for the module, every resource
 * and data source's provider declared in it, and every `var.`, `local.`, resource and
 * `data.` reference declared in the module.
 */
export async function referenceProblems(render: Render, module: string) {
  const problems: string[] = [];
  const files = render.files.filter(
    f => f.endsWith('.tf') && path.posix.dirname(f) === module,
  );
  const parsed: Array<{ file: string; hcl: Record<string, any> }> = [];
  for (const file of files) {
    try {
      const text = await fs.readFile(path.join(render.dir, file), 'utf8');
      parsed.push({ file, hcl: await parse(file, text) });
    } catch (error) {
      problems.push(`${file}: does not parse: ${error}`);
    }
  }
  const providerBlocks = parsed.flatMap(({ file, hcl }) =>
    (hcl.terraform ?? [])
      .filter((t: any) => t.required_providers)
      .map((t: any) => ({ file, providers: t.required_providers })),
  );
  if (providerBlocks.length > 1) {
    problems.push(
      `${module}: required_providers is declared in ${providerBlocks
        .map(b => b.file)
        .join(' and ')}; terraform allows one per module`,
    );
  }
  const declaredProviders = new Set(
    providerBlocks.flatMap(b =>
      [b.providers].flat().flatMap((p: any) => Object.keys(p)),
    ),
  );
  const variables = new Set(
    parsed.flatMap(p => Object.keys(p.hcl.variable ?? {})),
  );
  const locals = new Set(
    parsed.flatMap(p =>
      (p.hcl.locals ?? []).flatMap((l: object) => Object.keys(l)),
    ),
  );
  const resources = new Set<string>();
  const dataSources = new Set<string>();
  for (const { file, hcl } of parsed) {
    for (const [kind, set] of [
      ['resource', resources],
      ['data', dataSources],
    ] as const) {
      for (const [type, byName] of Object.entries<any>(hcl[kind] ?? {})) {
        const provider = type.split('_')[0];
        if (!declaredProviders.has(provider)) {
          problems.push(
            `${file}: ${kind} "${type}" needs the '${provider}' provider, which required_providers does not declare`,
          );
        }
        Object.keys(byName).forEach(name => set.add(`${type}.${name}`));
      }
    }
  }
  for (const { file, hcl } of parsed) {
    const expressions = strings(hcl)
      .flatMap(s => [...s.matchAll(/\$\{([^}]*)\}/g)].map(m => m[1]))
      .join('\n');
    for (const [, name] of expressions.matchAll(/\bvar\.(\w+)/g)) {
      if (!variables.has(name))
        problems.push(`${file}: var.${name} is not a declared variable`);
    }
    for (const [, name] of expressions.matchAll(/\blocal\.(\w+)/g)) {
      if (!locals.has(name))
        problems.push(`${file}: local.${name} is not a declared local`);
    }
    for (const [, ref] of expressions.matchAll(
      /(?<![\w.])data\.([a-z0-9]+_\w+\.\w+)/g,
    )) {
      if (!dataSources.has(ref))
        problems.push(`${file}: data.${ref} is not a declared data source`);
    }
    for (const [, ref] of expressions.matchAll(
      /(?<![\w.])([a-z0-9]+_[a-z0-9_]+\.[a-z_][\w-]*)/g,
    )) {
      if (!resources.has(ref))
        problems.push(`${file}: ${ref} is not a declared resource`);
    }
  }
  return [...new Set(problems)];
}
