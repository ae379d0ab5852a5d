import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import type { FileTree } from './merge';
import type { TemplateRelease } from './releases';

/**
 * The steps a render keeps: the ones that only write files into the workspace. Publishing,
 * registering, verifying and recording steps have effects elsewhere (or, like the
 * guardrails, check rather than generate) and are left out. `*` ends a prefix pattern.
 */
export const DEFAULT_RENDER_ACTIONS = [
  'fetch:*',
  'catalog:write',
  'fs:*',
  'roadiehq:utils:*',
  'paved-road:provenance:annotate',
  'paved-road:answers:record',
];

/** The ref the scaffolder's dry-run gives every template it runs. */
const DRY_RUN_REF = 'template:default/dry-run';

const matches = (action: string, patterns: string[]) =>
  patterns.some(p =>
    p.endsWith('*') ? action.startsWith(p.slice(0, -1)) : action === p,
  );

type JsonSchema = Record<string, any>;

/**
 * The values to render `template` with: the recorded `answers`, then `given` (the action's
 * input), then the defaults of inputs the answers do not have. A required input that is
 * still missing fails, naming it.
 */
export function resolveValues(
  release: Pick<TemplateRelease, 'name' | 'version' | 'template'>,
  answers: Record<string, unknown>,
  given: Record<string, unknown> = {},
): Record<string, unknown> {
  const values: Record<string, unknown> = { ...answers, ...given };
  const pages: JsonSchema[] = [release.template.spec?.parameters ?? []].flat();
  for (const page of pages) {
    for (const [key, prop] of Object.entries<JsonSchema>(
      page.properties ?? {},
    )) {
      if (values[key] === undefined && prop?.default !== undefined) {
        values[key] = prop.default;
      }
    }
  }
  for (const page of pages) {
    for (const key of page.required ?? []) {
      if (values[key] === undefined) {
        throw new InputError(
          `${release.name} ${release.version} needs '${key}', which the answers file does not have and which has no default: give it in input.values`,
        );
      }
    }
  }
  return values;
}

/**
 * Renders a release with `values` through the scaffolder's own dry-run, keeping only the
 * steps that write files (`renderActions`), and returns what the workspace held after it.
 * `templateRef` replaces the dry-run's stand-in ref wherever a step wrote it.
 */
export async function renderRelease(options: {
  scaffolder: ScaffolderService;
  credentials: BackstageCredentials;
  release: TemplateRelease;
  templateRef: string;
  values: Record<string, unknown>;
  renderActions?: string[];
}): Promise<FileTree> {
  const { release, renderActions = DEFAULT_RENDER_ACTIONS } = options;
  const steps = (release.template.spec?.steps ?? []).filter(
    (step: { action?: string }) =>
      typeof step.action === 'string' && matches(step.action, renderActions),
  );
  const template = {
    ...release.template,
    spec: { ...release.template.spec, steps, output: {} },
  } as Parameters<ScaffolderService['dryRun']>[0]['template'];
  let result;
  try {
    result = await options.scaffolder.dryRun(
      {
        template,
        values: options.values as any,
        secrets: {},
        directoryContents: [...release.files].map(([path, file]) => ({
          path,
          base64Content: file.content.toString('base64'),
        })),
      },
      { credentials: options.credentials },
    );
  } catch (error) {
    throw new Error(
      `Rendering ${release.name} ${release.version} (tag '${
        release.tag
      }') failed: ${isError(error) ? error.message : String(error)}`,
    );
  }
  const tree: FileTree = new Map();
  for (const file of result.directoryContents) {
    let content = Buffer.from(file.base64Content, 'base64');
    if (content.includes(DRY_RUN_REF)) {
      content = Buffer.from(
        content.toString('utf8').split(DRY_RUN_REF).join(options.templateRef),
      );
    }
    tree.set(file.path, { content, executable: file.executable ?? false });
  }
  return tree;
}
