import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FileTree } from './merge';

/** A failed git command: its arguments and what it wrote to stderr. */
export class GitError extends Error {
  constructor(readonly args: string[], readonly stderr: string, code: number) {
    super(`git ${args.join(' ')} exited ${code}: ${stderr.trim()}`);
    this.name = 'GitError';
  }
}

/**
 * Runs git and returns its stdout. `input` is written to stdin. The environment drops
 * GIT_DIR and friends, so a hook or a test runner's git settings never redirect it.
 */
export function git(
  args: string[],
  options: {
    cwd?: string;
    input?: Buffer | string;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<Buffer> {
  const env = { ...process.env, ...options.env };
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) {
    if (!options.env?.[key]) delete env[key];
  }
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: options.cwd, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', chunk => out.push(chunk));
    child.stderr.on('data', chunk => err.push(chunk));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(new GitError(args, Buffer.concat(err).toString(), code ?? -1));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** The commit `ref` names in the repository at `gitDir`, or undefined if none. */
export async function resolveCommit(
  gitDir: string,
  ref: string,
): Promise<string | undefined> {
  try {
    const out = await git([
      '--git-dir',
      gitDir,
      'rev-parse',
      '--verify',
      '--quiet',
      `${ref}^{commit}`,
    ]);
    return out.toString().trim();
  } catch {
    return undefined;
  }
}

/**
 * Every file of `ref`'s tree (below `subPath` when given, paths relative to it), read
 * straight from the object store: the working tree and the index play no part.
 */
export async function readGitTree(
  gitDir: string,
  ref: string,
  subPath = '',
): Promise<FileTree> {
  const prefix = subPath.replace(/^\/+|\/+$/g, '');
  const listing = await git([
    '--git-dir',
    gitDir,
    'ls-tree',
    '-r',
    '-z',
    '--full-tree',
    ref,
    ...(prefix ? ['--', prefix] : []),
  ]);
  const entries: Array<{ path: string; sha: string; executable: boolean }> = [];
  for (const line of listing.toString('utf8').split('\0')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    const [mode, type, sha] = line.slice(0, tab).split(' ');
    const file = line.slice(tab + 1);
    if (type !== 'blob' || mode === '120000') continue; // submodules, symlinks
    const relative = prefix ? file.slice(prefix.length + 1) : file;
    if (prefix && !file.startsWith(`${prefix}/`)) continue;
    entries.push({ path: relative, sha, executable: mode === '100755' });
  }
  const tree: FileTree = new Map();
  if (!entries.length) return tree;
  const blobs = await git(['--git-dir', gitDir, 'cat-file', '--batch'], {
    input: `${entries.map(e => e.sha).join('\n')}\n`,
  });
  let offset = 0;
  for (const entry of entries) {
    const headerEnd = blobs.indexOf(0x0a, offset);
    const size = Number(
      blobs.subarray(offset, headerEnd).toString().split(' ')[2],
    );
    const start = headerEnd + 1;
    tree.set(entry.path, {
      content: Buffer.from(blobs.subarray(start, start + size)),
      executable: entry.executable,
    });
    offset = start + size + 1;
  }
  return tree;
}

/**
 * Commits `files` as the complete tree of a new commit on top of `parent` in the
 * repository at `gitDir`, and points `refs/heads/<branch>` at it. The repository's working
 * tree, index and current branch are left alone. Returns the new commit.
 */
export async function commitTree(options: {
  gitDir: string;
  parent: string;
  branch: string;
  files: FileTree;
  message: string;
  author: { name: string; email: string };
}): Promise<string> {
  const { gitDir, files } = options;
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-git-'));
  try {
    const env = { GIT_INDEX_FILE: path.join(scratch, 'index') };
    // Written out once and hashed in one git process: one process per file is slow.
    const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : 1));
    const blobDir = path.join(scratch, 'blobs');
    await fs.mkdir(blobDir);
    const blobPaths = await Promise.all(
      sorted.map(async ([, { content }], index) => {
        const blobPath = path.join(blobDir, String(index));
        await fs.writeFile(blobPath, content);
        return blobPath;
      }),
    );
    const shas = sorted.length
      ? (
          await git(
            ['--git-dir', gitDir, 'hash-object', '-w', '--stdin-paths'],
            { input: `${blobPaths.join('\n')}\n` },
          )
        )
          .toString()
          .trim()
          .split('\n')
      : [];
    const lines = sorted.map(
      ([file, { executable }], index) =>
        `${executable ? '100755' : '100644'} ${shas[index]}\t${file}`,
    );
    await git(['--git-dir', gitDir, 'update-index', '--index-info'], {
      env,
      input: lines.map(l => `${l}\n`).join(''),
    });
    const tree = (await git(['--git-dir', gitDir, 'write-tree'], { env }))
      .toString()
      .trim();
    const identity = {
      GIT_AUTHOR_NAME: options.author.name,
      GIT_AUTHOR_EMAIL: options.author.email,
      GIT_COMMITTER_NAME: options.author.name,
      GIT_COMMITTER_EMAIL: options.author.email,
    };
    const commit = (
      await git(
        [
          '--git-dir',
          gitDir,
          'commit-tree',
          tree,
          '-p',
          options.parent,
          '-F',
          '-',
        ],
        { env: identity, input: options.message },
      )
    )
      .toString()
      .trim();
    await git([
      '--git-dir',
      gitDir,
      'update-ref',
      `refs/heads/${options.branch}`,
      commit,
      '',
    ]);
    return commit;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
