import { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import {
  PAVED_ROAD_ANNOTATIONS,
  RepositoryFacts,
  repositoryFactsFromFiles,
} from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  '.venv',
  '__pycache__',
]);
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 500;

/** The files the repository facts are read from. */
export const isRepositoryFactFile = (file: string) =>
  /(^|\/)Dockerfile[^/]*$/.test(file) ||
  /\.ya?ml$/i.test(file) ||
  /^docs\/.+\.md$/.test(file);

type RepositoryLocation =
  | { type: 'url'; target: string }
  | { type: 'file'; dir: string };

/**
 * Where an entity's repository is: `backstage.io/source-location` when it is a URL, else
 * the folder of a `file:` managed-by location whose file is a `catalog-info.yaml` (the
 * dev instance's examples and repositories written by `paved-road:publish:local`). A
 * `file:` source location written by an entity's author is not trusted: the catalog
 * sets the managed-by location, authors can set the source location.
 */
export function repositoryLocationOf(
  entity: Entity,
): RepositoryLocation | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const source = annotations[ANNOTATION_SOURCE_LOCATION];
  if (source?.startsWith('url:')) {
    return { type: 'url', target: source.slice('url:'.length) };
  }
  const managed = annotations[ANNOTATION_LOCATION];
  if (managed?.startsWith('file:')) {
    const target = managed.slice('file:'.length);
    if (/(^|[\\/])catalog-info\.ya?ml$/.test(target)) {
      const file = target.startsWith('file://')
        ? fileURLToPath(target)
        : path.resolve(target);
      return { type: 'file', dir: path.dirname(file) };
    }
  }
  if (managed?.startsWith('url:')) {
    return {
      type: 'url',
      target: new URL('.', managed.slice('url:'.length)).toString(),
    };
  }
  return undefined;
}

/** What a file-system error code says about the path it failed on. */
const FS_PROBLEMS: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'is not a folder',
  EACCES: 'is not readable (permission denied)',
  EPERM: 'is not readable (operation not permitted)',
  ELOOP: 'is a loop of symbolic links',
};

/**
 * A failure to read the repository folder `root` of `entity`, said without the server's
 * absolute path (which Node puts in its messages): the folder is named by the entity and
 * the annotation it comes from, a file in it by its path in the repository.
 */
function localTreeError(error: unknown, root: string, entity: Entity): Error {
  const { code, path: failed } = (isError(error) ? error : {}) as {
    code?: unknown;
    path?: unknown;
  };
  if (typeof code !== 'string') {
    return isError(error) ? error : new Error(String(error));
  }
  const folder = `the repository folder of ${stringifyEntityRef(
    entity,
  )} (from its annotation '${ANNOTATION_LOCATION}')`;
  const relative =
    typeof failed === 'string'
      ? path.relative(root, failed).split(path.sep).join('/')
      : '';
  const subject =
    !relative || relative.startsWith('..') || path.isAbsolute(relative)
      ? folder
      : `'${relative}' in ${folder}`;
  return new Error(
    `${subject} ${FS_PROBLEMS[code] ?? `could not be read (${code})`}`,
  );
}

async function readLocalTree(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function walk(current: string) {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      if (files.size >= MAX_FILES) return;
      const full = path.join(current, entry.name);
      const relative = path.relative(root, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(full);
      } else if (entry.isFile() && isRepositoryFactFile(relative)) {
        const stat = await fs.stat(full);
        if (stat.size <= MAX_FILE_BYTES) {
          files.set(relative, await fs.readFile(full, 'utf8'));
        }
      }
    }
  }
  await walk(root);
  return files;
}

async function readUrlTree(
  reader: UrlReaderService,
  target: string,
): Promise<Map<string, string>> {
  const tree = await reader.readTree(target, {
    filter: (file, info) =>
      !file.split('/').some(part => SKIPPED_DIRS.has(part)) &&
      isRepositoryFactFile(file) &&
      (info?.size ?? 0) <= MAX_FILE_BYTES,
  });
  const files = new Map<string, string>();
  for (const file of (await tree.files()).slice(0, MAX_FILES)) {
    files.set(file.path, (await file.content()).toString('utf8'));
  }
  return files;
}

/**
 * The `repository` fact source: Dockerfile, Kubernetes manifests, CI workflows, mkdocs
 * and docs read from the entity's repository, through the UrlReader for URLs and from
 * the local filesystem for `file:` catalog locations (which the UrlReader does not read).
 *
 * @internal
 */
export function createRepositoryFactSource(options: {
  urlReader: UrlReaderService;
}): PavedRoadFactSource {
  return {
    id: 'repository',
    description:
      'Dockerfile, Kubernetes manifests, CI workflows and docs read from the entity repository',
    appliesTo: entity => repositoryLocationOf(entity) !== undefined,
    async collect({ entity }): Promise<RepositoryFacts & Record<string, any>> {
      const location = repositoryLocationOf(entity)!;
      const files =
        location.type === 'file'
          ? await readLocalTree(location.dir).catch(error => {
              throw localTreeError(error, location.dir, entity);
            })
          : await readUrlTree(options.urlReader, location.target);
      return repositoryFactsFromFiles(files, {
        alertsPath:
          entity.metadata.annotations?.[PAVED_ROAD_ANNOTATIONS.alerts],
      });
    },
  };
}
