import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import { WorkspaceFiles } from './types';

const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  '.venv',
  '__pycache__',
]);
const MAX_FILE_BYTES = 1024 * 1024;
const TEXT_FILE = /(\.ya?ml|\.json|\.md|Dockerfile[^/]*|\.toml|\.txt)$/i;

/**
 * Reads the text files guardrails look at below `dir` (YAML, JSON, Markdown,
 * Dockerfiles), skipping dependency and build folders.
 */
export async function readWorkspace(
  root: string,
  dir = '.',
): Promise<WorkspaceFiles> {
  const base = resolveSafeChildPath(root, dir);
  const files: WorkspaceFiles = new Map();
  async function walk(current: string) {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(full);
      } else if (entry.isFile() && TEXT_FILE.test(entry.name)) {
        const stat = await fs.stat(full);
        if (stat.size <= MAX_FILE_BYTES) {
          files.set(
            path.relative(base, full).split(path.sep).join('/'),
            await fs.readFile(full, 'utf8'),
          );
        }
      }
    }
  }
  await walk(base);
  return files;
}
