import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError, isError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { git, readGitTree } from './git';
import type { FileTree } from './merge';

/** A service's repository as the upgrade reads it: its default branch's files. */
export interface ServiceRepository {
  /** Names the repository in messages and outputs. */
  where: string;
  files: FileTree;
  /** A repository on this machine (offline instances): where it is and what HEAD is. */
  local?: { dir: string; gitDir: string; head: string; branch: string };
  /** A repository read through the integrations: its tree URL. */
  url?: string;
}

const MANAGED_BY = 'backstage.io/managed-by-location';
const SOURCE = 'backstage.io/source-location';

/**
 * Reads the repository an entity lives in: a `file:` location's git repository (it must
 * be the repository's root, clean, on a branch), or the `backstage.io/source-location`
 * URL through the integrations. Errors name the entity and what is wrong.
 */
export async function readServiceRepository(
  entity: Entity,
  entityRef: string,
  reader: UrlReaderService,
): Promise<ServiceRepository> {
  const annotations = entity.metadata.annotations ?? {};
  const managedBy = annotations[MANAGED_BY] ?? '';
  if (managedBy.startsWith('file:')) {
    return readLocal(path.dirname(managedBy.slice('file:'.length)), entityRef);
  }
  const source = annotations[SOURCE];
  if (!source?.startsWith('url:')) {
    throw new InputError(
      `${entityRef} has no repository to upgrade: neither a file location nor a '${SOURCE}' url`,
    );
  }
  const url = source.slice('url:'.length);
  try {
    const response = await reader.readTree(url);
    const files: FileTree = new Map();
    for (const file of await response.files()) {
      files.set(file.path, { content: await file.content() });
    }
    return { where: url, files, url };
  } catch (error) {
    throw new InputError(
      `The repository of ${entityRef} (${url}) cannot be read: ${
        isError(error) ? error.message : String(error)
      }`,
    );
  }
}

async function readLocal(
  dir: string,
  entityRef: string,
): Promise<ServiceRepository> {
  const where = `The local repository of ${entityRef}`;
  const exists = await fs.stat(dir).then(
    s => s.isDirectory(),
    () => false,
  );
  if (!exists) {
    throw new InputError(`${where} cannot be read: ${dir} does not exist`);
  }
  let top: string;
  try {
    top = (await git(['rev-parse', '--show-toplevel'], { cwd: dir }))
      .toString()
      .trim();
  } catch {
    throw new InputError(`${where} (${dir}) is not a git repository`);
  }
  if ((await fs.realpath(top)) !== (await fs.realpath(dir))) {
    throw new InputError(
      `${where} (${dir}) is not the root of a git repository: it sits inside ${top}`,
    );
  }
  const status = (await git(['status', '--porcelain'], { cwd: dir }))
    .toString()
    .split('\n')
    .filter(Boolean);
  if (status.length) {
    const files = status
      .slice(0, 5)
      .map(l => l.slice(3))
      .join(', ');
    throw new InputError(
      `${where} (${dir}) has uncommitted changes (${files}): commit or discard them first`,
    );
  }
  const gitDir = path.resolve(
    dir,
    (await git(['rev-parse', '--git-dir'], { cwd: dir })).toString().trim(),
  );
  let branch: string;
  try {
    branch = (await git(['symbolic-ref', '--short', 'HEAD'], { cwd: dir }))
      .toString()
      .trim();
  } catch {
    throw new InputError(
      `${where} (${dir}) is not on a branch (detached HEAD): check out its default branch`,
    );
  }
  const head = (await git(['rev-parse', 'HEAD'], { cwd: dir }))
    .toString()
    .trim();
  return {
    where: `the local repository of ${entityRef} (${dir}, branch ${branch})`,
    files: await readGitTree(gitDir, head),
    local: { dir, gitDir, head, branch },
  };
}
