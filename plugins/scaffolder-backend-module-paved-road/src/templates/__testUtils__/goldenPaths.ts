import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';

/** The repository's templates/ folder. */
export const templatesDir = resolvePackagePath(
  '@paved-road/backstage-plugin-scaffolder-backend-module',
  '../../templates',
);

type JsonSchema = Record<string, any>;

export interface GoldenPath {
  name: string;
  /** The folder the template's relative `fetch:template` URLs start from: templates/. */
  dir: string;
  template: Record<string, any>;
}

/** templates/<name>.yaml: every golden-path template (tagged `golden-path`), as catalog-info.yaml lists them. */
export async function loadGoldenPaths(): Promise<GoldenPath[]> {
  const found: GoldenPath[] = [];
  for (const file of (await fs.readdir(templatesDir)).sort()) {
    if (!file.endsWith('.yaml') || file === 'catalog-info.yaml') continue;
    const template = yaml.parse(
      await fs.readFile(path.join(templatesDir, file), 'utf8'),
    );
    // Golden paths only: templates/ also holds the upgrade template.
    if (
      template?.kind !== 'Template' ||
      !template.metadata?.tags?.includes('golden-path')
    ) {
      continue;
    }
    found.push({ name: template.metadata.name, dir: templatesDir, template });
  }
  return found;
}

/**
 * Every file of a template folder, as the dry-run endpoint takes them: the whole templates/
 * folder, since a template fetches its own skeleton and the shared parts (templates/shared/).
 */
export async function directoryContents(dir: string) {
  const out: Array<{ path: string; base64Content: string }> = [];
  async function walk(current: string) {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') await walk(full);
      } else {
        out.push({
          path: path.relative(dir, full).split(path.sep).join('/'),
          base64Content: (await fs.readFile(full)).toString('base64'),
        });
      }
    }
  }
  await walk(dir);
  return out;
}

function pages(template: GoldenPath['template']): JsonSchema[] {
  return [template.spec?.parameters ?? []].flat();
}

/** The form's defaults, as a user who changes nothing would submit them. */
export function defaultValues(template: GoldenPath['template']) {
  const values: Record<string, unknown> = {};
  for (const page of pages(template)) {
    for (const [key, prop] of Object.entries<JsonSchema>(
      page.properties ?? {},
    )) {
      if (prop.default !== undefined) values[key] = prop.default;
    }
  }
  return values;
}

/**
 * Every combination of the form's choices that changes what is generated: each boolean
 * and each enum, except the ones listed in `fixed`.
 */
export function optionCombinations(
  template: GoldenPath['template'],
  fixed: string[],
): Record<string, unknown>[] {
  const axes: Array<[string, unknown[]]> = [];
  for (const page of pages(template)) {
    for (const [key, prop] of Object.entries<JsonSchema>(
      page.properties ?? {},
    )) {
      if (fixed.includes(key)) continue;
      if (prop.type === 'boolean') axes.push([key, [false, true]]);
      else if (Array.isArray(prop.enum)) axes.push([key, prop.enum]);
    }
  }
  return axes.reduce<Record<string, unknown>[]>(
    (combos, [key, options]) =>
      combos.flatMap(combo =>
        options.map(option => ({ ...combo, [key]: option })),
      ),
    [{}],
  );
}

/** Writes dry-run output files to a folder. */
export async function writeContents(
  dir: string,
  files: Array<{ path: string; base64Content: string; executable?: boolean }>,
) {
  for (const file of files) {
    const target = path.join(dir, file.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, Buffer.from(file.base64Content, 'base64'), {
      mode: file.executable ? 0o755 : 0o644,
    });
  }
}
