import { mergeTrees } from '../mergeTrees';
import { isBinary } from '../text';
import type {
  FileChange,
  FileTree,
  MergeConflict,
  MergeLabels,
  TreeFile,
} from '../types';

/** Labels as `paved-road:template:upgrade` passes them. */
export const labels: MergeLabels = {
  ours: 'repository',
  base: 'api-service 2.3.0',
  theirs: 'api-service 2.4.0',
};

/**
 * A file written compactly in tests: text as a string, binary content as a Buffer, and an
 * executable file as `{ content, executable: true }`.
 */
export type PlainFile =
  | string
  | Buffer
  | { content: string | Buffer; executable: true };

/** A tree written compactly in tests. */
export type PlainTree = Record<string, PlainFile>;

const toBuffer = (content: string | Buffer) =>
  typeof content === 'string' ? Buffer.from(content, 'utf8') : content;

/** A `FileTree` from its compact form. */
export function tree(files: PlainTree = {}): FileTree {
  const result: FileTree = new Map();
  for (const [path, file] of Object.entries(files)) {
    result.set(
      path,
      typeof file === 'string' || Buffer.isBuffer(file)
        ? { content: toBuffer(file) }
        : { content: toBuffer(file.content), executable: true },
    );
  }
  return result;
}

/** The compact form of a file: text as a string, binary as a Buffer. */
function plainFile(file: TreeFile): PlainFile {
  const content = isBinary(file.content)
    ? file.content
    : file.content.toString('utf8');
  return file.executable ? { content, executable: true } : content;
}

/** The compact form of a `FileTree`, for readable `toEqual` failures. */
export function plain(files: FileTree): PlainTree {
  const result: PlainTree = {};
  for (const [path, file] of files) {
    result[path] = plainFile(file);
  }
  return result;
}

/** Numbered lines `line 1` … `line n`, each ending with a newline. */
export function numberedLines(n: number): string {
  return Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');
}

/** `text` with its `n`th line (1-based) replaced by `line`. */
export function replaceLine(text: string, n: number, line: string): string {
  const lines = text.split('\n');
  lines[n - 1] = line;
  return lines.join('\n');
}

/**
 * One case of the merge corpus: the three trees, and the expected merged tree, changes
 * and conflicts (none when omitted), all checked exactly.
 */
export interface MergeCase {
  name: string;
  base: PlainTree;
  ours: PlainTree;
  theirs: PlainTree;
  files: PlainTree;
  changes?: FileChange[];
  conflicts?: MergeConflict[];
}

/** The outcome of `mergeTrees` on a corpus case, with the tree in compact form. */
export function runMerge(c: MergeCase) {
  const result = mergeTrees({
    base: tree(c.base),
    ours: tree(c.ours),
    theirs: tree(c.theirs),
    labels,
  });
  return { ...result, files: plain(result.files) };
}

/** What a corpus case expects of `runMerge`. */
export function expected(c: MergeCase) {
  return {
    files: c.files,
    changes: c.changes ?? [],
    conflicts: c.conflicts ?? [],
  };
}

/** A `modified` change of `path`. */
export const modified = (path: string, conflict = false): FileChange => ({
  path,
  change: 'modified',
  conflict,
});

/** Eight numbered lines, and edits of its first line (repository) and last (template). */
export const A = numberedLines(8);
export const OURS_EDIT = replaceLine(A, 1, 'line one (repository)');
export const THEIRS_EDIT = replaceLine(A, 8, 'line eight (2.4.0)');
export const BOTH_EDITS = replaceLine(OURS_EDIT, 8, 'line eight (2.4.0)');

/** `text` with CRLF line endings. */
export const crlf = (text: string) => text.replace(/\n/g, '\r\n');
