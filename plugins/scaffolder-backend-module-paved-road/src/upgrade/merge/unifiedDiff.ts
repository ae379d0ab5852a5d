import { structuredPatch } from 'diff';
import { identical, isBinaryFile, rawText } from './content';
import { findRenames } from './renames';
import type { FileChange, FileTree, TreeFile } from './types';

/** Lines of context around each hunk, as git uses by default. */
const CONTEXT_LINES = 3;

const byPath = (a: string, b: string) => (a < b ? -1 : Number(a > b));

const mode = (file: TreeFile) => (file.executable ? '100755' : '100644');

/** One section of the diff: a file's old and new path (absent when added/removed). */
interface Entry {
  oldPath?: string;
  newPath?: string;
}

/**
 * A hunk range as git writes it: `start,count`, just `start` for one line, and for an
 * empty range the line before it (`0,0` at the top of the file).
 */
function range(start: number, count: number): string {
  if (count === 0) {
    return `${Math.max(start - 1, 0)},0`;
  }
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** The lines of one file's section. */
function section(entry: Entry, before: FileTree, after: FileTree): string[] {
  const oldFile =
    entry.oldPath === undefined ? undefined : before.get(entry.oldPath);
  const newFile =
    entry.newPath === undefined ? undefined : after.get(entry.newPath);
  const a = entry.oldPath ?? entry.newPath;
  const b = entry.newPath ?? entry.oldPath;
  const oldName = oldFile ? `a/${a}` : '/dev/null';
  const newName = newFile ? `b/${b}` : '/dev/null';

  const lines = [`diff --git a/${a} b/${b}`];
  if (!oldFile && newFile) {
    lines.push(`new file mode ${mode(newFile)}`);
  } else if (oldFile && !newFile) {
    lines.push(`deleted file mode ${mode(oldFile)}`);
  } else if (oldFile && newFile) {
    if (mode(oldFile) !== mode(newFile)) {
      lines.push(`old mode ${mode(oldFile)}`, `new mode ${mode(newFile)}`);
    }
    if (a !== b) {
      lines.push(`rename from ${a}`, `rename to ${b}`);
    }
    if (oldFile.content.equals(newFile.content)) {
      return lines; // mode change or pure rename: no content section
    }
  }

  if (
    (oldFile && isBinaryFile(oldFile)) ||
    (newFile && isBinaryFile(newFile))
  ) {
    lines.push(`Binary files ${oldName} and ${newName} differ`);
    return lines;
  }
  const { hunks } = structuredPatch(
    oldName,
    newName,
    oldFile ? rawText(oldFile) : '',
    newFile ? rawText(newFile) : '',
    undefined,
    undefined,
    { context: CONTEXT_LINES },
  );
  if (hunks.length > 0) {
    lines.push(`--- ${oldName}`, `+++ ${newName}`);
    for (const hunk of hunks) {
      lines.push(
        `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(
          hunk.newStart,
          hunk.newLines,
        )} @@`,
        ...hunk.lines,
      );
    }
  }
  return lines;
}

/**
 * The difference between two trees as a git-style unified diff (`git diff` output, with
 * `a/` and `b/` prefixes, `/dev/null` for added and removed files, `new file mode`,
 * `deleted file mode`, `old mode`/`new mode`, `rename from`/`rename to`, and
 * `Binary files … differ` for binary content). Sections come in path order (a rename under
 * its new path), so the output is deterministic; an empty string means no difference.
 *
 * Renames are taken from `changes` when given (e.g. `MergeResult.changes`, whose renames
 * may have similar rather than identical content); besides, a file removed and another
 * added with identical content are shown as a rename.
 */
export function unifiedDiff(
  before: FileTree,
  after: FileTree,
  changes?: FileChange[],
): string {
  const removed = [...before].filter(([path]) => !after.has(path));
  const added = [...after].filter(([path]) => !before.has(path));

  // Renames the merge reported (their content may differ), then identical files moved.
  const renames = new Map<string, string>();
  for (const c of changes ?? []) {
    if (
      c.change === 'renamed' &&
      c.from !== undefined &&
      before.has(c.from) &&
      !after.has(c.from) &&
      after.has(c.path) &&
      !before.has(c.path)
    ) {
      renames.set(c.from, c.path);
    }
  }
  const reportedTo = new Set(renames.values());
  const exact = findRenames(
    removed.filter(([path]) => !renames.has(path)),
    added.filter(([path]) => !reportedTo.has(path)),
    { exactOnly: true },
  );
  for (const [from, to] of exact) {
    renames.set(from, to);
  }
  const renamedTo = new Set(renames.values());

  const entries: Entry[] = [];
  for (const [oldPath, newPath] of renames) {
    entries.push({ oldPath, newPath });
  }
  for (const [path] of removed) {
    if (!renames.has(path)) {
      entries.push({ oldPath: path });
    }
  }
  for (const [path, file] of after) {
    const old = before.get(path);
    if (old ? !identical(old, file) : !renamedTo.has(path)) {
      entries.push({ oldPath: old ? path : undefined, newPath: path });
    }
  }

  const key = (e: Entry) => (e.newPath ?? e.oldPath) as string;
  return entries
    .sort((x, y) => byPath(key(x), key(y)))
    .map(entry => `${section(entry, before, after).join('\n')}\n`)
    .join('');
}
