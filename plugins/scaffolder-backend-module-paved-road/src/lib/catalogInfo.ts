import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import yaml from 'yaml';
import { resolveInputPath, workspaceFsError } from './inputs';

/**
 * Sets annotations on the first entity of a catalog-info.yaml in the workspace, keeping
 * its comments and formatting. Writes only when something changed, so running it twice
 * leaves the file as the first run left it. Returns whether the file changed.
 */
export async function setCatalogAnnotations(
  workspacePath: string,
  catalogInfoPath: string,
  annotations: (current: Record<string, string>) => Record<string, string>,
): Promise<boolean> {
  const file = resolveInputPath(
    workspacePath,
    catalogInfoPath,
    'input.catalogInfoPath',
  );
  // File-system failures name the input and the path as given, never the server's.
  const fsError = (error: unknown, doing: string) =>
    workspaceFsError(error, {
      field: 'input.catalogInfoPath',
      value: catalogInfoPath,
      workspacePath,
      doing,
    });
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      throw new InputError(
        `input.catalogInfoPath: no file '${catalogInfoPath}' in the workspace`,
      );
    }
    throw fsError(error, 'could not be read');
  }
  const documents = yaml.parseAllDocuments(text);
  const doc = documents[0];
  if (!doc || doc.errors.length) {
    throw new InputError(
      `${catalogInfoPath} is not valid YAML: ${
        doc?.errors[0]?.message ?? 'empty file'
      }`,
    );
  }
  if (
    !(doc instanceof yaml.Document) ||
    !yaml.isMap(doc.contents) ||
    !doc.get('kind')
  ) {
    throw new InputError(
      `${catalogInfoPath} does not start with a catalog entity`,
    );
  }
  const current =
    (
      doc.getIn(['metadata', 'annotations']) as yaml.YAMLMap | undefined
    )?.toJSON() ?? {};
  const wanted = annotations(current);
  let changed = false;
  for (const [key, value] of Object.entries(wanted)) {
    if (current[key] !== value) {
      doc.setIn(['metadata', 'annotations', key], value);
      changed = true;
    }
  }
  if (changed) {
    const out = documents.map(d => d.toString({ lineWidth: 0 })).join('');
    await fs.writeFile(file, out, 'utf8').catch(error => {
      throw fsError(error, 'could not be written');
    });
  }
  return changed;
}
