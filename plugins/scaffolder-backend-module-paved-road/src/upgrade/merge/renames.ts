import { createHash } from 'node:crypto';
import { diffArrays } from 'diff';
import { linesOf, normalisedText } from './content';
import type { TreeFile } from './types';

/** Share of lines two files must have in common (by LCS) to count as one file renamed. */
export const RENAME_SIMILARITY = 0.5;

/** Files shorter than this many lines only pair up as renames when identical. */
export const RENAME_MIN_LINES = 3;

/**
 * At most this many (removed, added) pairs are compared for similarity, so that a template
 * that moved hundreds of files does not make the merge quadratic in their size; beyond it
 * only identical files pair up (git has the same kind of limit, `diff.renameLimit`).
 */
const MAX_SIMILARITY_PAIRS = 100_000;

/** How many times each line occurs in a file. */
type LineCounts = Map<string, number>;

function countLines(lines: string[]): LineCounts {
  const counts: LineCounts = new Map();
  for (const line of lines) {
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}

/** Lines two files have in common ignoring order: a cheap upper bound of their LCS. */
function commonLineCount(a: LineCounts, b: LineCounts): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const [line, count] of small) {
    common += Math.min(count, large.get(line) ?? 0);
  }
  return common;
}

/** A path and its file. */
export type PathEntry = [path: string, file: TreeFile];

interface Candidate {
  from: string;
  to: string;
  score: number;
  sameName: boolean;
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

const byPath = (a: string, b: string) => (a < b ? -1 : Number(a > b));

/** A key equal for files whose contents compare equal (normalised text, or bytes). */
function contentKey(file: TreeFile): string {
  const text = normalisedText(file);
  const hash = createHash('sha256');
  hash.update(text ?? file.content);
  return `${text === undefined ? 'binary' : 'text'}:${hash.digest('hex')}`;
}

/**
 * The share of lines `a` and `b` have in common: the length of their longest common
 * subsequence of lines over the longer file's line count. Returns 0 as soon as it is
 * clear that the share is below {@link RENAME_SIMILARITY}, or when either file is shorter
 * than {@link RENAME_MIN_LINES} lines.
 */
export function lineSimilarity(a: string[], b: string[]): number {
  const longer = Math.max(a.length, b.length);
  const shorter = Math.min(a.length, b.length);
  const needed = Math.ceil(longer * RENAME_SIMILARITY);
  if (shorter < RENAME_MIN_LINES || shorter < needed) {
    return 0;
  }
  // With `needed` common lines, at most a.length + b.length - 2 * needed lines are added
  // or removed: a longer edit script cannot reach the threshold, so stop searching.
  const changes = diffArrays(a, b, {
    maxEditLength: a.length + b.length - 2 * needed,
  });
  if (!changes) {
    return 0;
  }
  let common = 0;
  for (const change of changes) {
    if (!change.added && !change.removed) {
      common += change.value.length;
    }
  }
  return common / longer;
}

/** Takes candidates best first, each path at most once. */
function assign(
  candidates: Candidate[],
  renames: Map<string, string>,
  taken: Set<string>,
) {
  candidates.sort(
    (x, y) =>
      y.score - x.score ||
      Number(y.sameName) - Number(x.sameName) ||
      byPath(x.from, y.from) ||
      byPath(x.to, y.to),
  );
  for (const c of candidates) {
    if (!renames.has(c.from) && !taken.has(c.to)) {
      renames.set(c.from, c.to);
      taken.add(c.to);
    }
  }
}

/**
 * Pairs files that disappeared (`removed`) with files that appeared (`added`) when they
 * look like one file moved: identical content first, then (unless `exactOnly`) text files
 * of at least {@link RENAME_MIN_LINES} lines sharing at least {@link RENAME_SIMILARITY}
 * of their lines. Each file is used at most once; among several candidates the most
 * similar wins, then one with the same file name, then the first by path, so the outcome
 * does not depend on the order of the inputs.
 *
 * @returns the added path for each removed path that was paired
 */
export function findRenames(
  removed: PathEntry[],
  added: PathEntry[],
  options: { exactOnly?: boolean } = {},
): Map<string, string> {
  const renames = new Map<string, string>();
  const taken = new Set<string>();
  if (removed.length === 0 || added.length === 0) {
    return renames;
  }

  // Identical contents, grouped by a content hash.
  const addedByKey = new Map<string, string[]>();
  for (const [path, file] of added) {
    const key = contentKey(file);
    addedByKey.set(key, [...(addedByKey.get(key) ?? []), path]);
  }
  const exact: Candidate[] = [];
  for (const [from, file] of removed) {
    for (const to of addedByKey.get(contentKey(file)) ?? []) {
      exact.push({
        from,
        to,
        score: 1,
        sameName: basename(from) === basename(to),
      });
    }
  }
  assign(exact, renames, taken);
  if (options.exactOnly) {
    return renames;
  }

  // Similar text contents, among the files still unpaired.
  const unpairedFrom = removed.filter(([path]) => !renames.has(path));
  const unpairedTo = added.filter(([path]) => !taken.has(path));
  if (unpairedFrom.length * unpairedTo.length > MAX_SIMILARITY_PAIRS) {
    return renames;
  }
  const withLines = (entries: PathEntry[]) =>
    entries.flatMap(([path, file]) => {
      const lines = linesOf(file);
      return lines && lines.length >= RENAME_MIN_LINES
        ? [{ path, lines, counts: countLines(lines) }]
        : [];
    });
  const sources = withLines(unpairedFrom);
  const targets = sources.length > 0 ? withLines(unpairedTo) : [];
  const similar: Candidate[] = [];
  for (const from of sources) {
    for (const to of targets) {
      const needed =
        RENAME_SIMILARITY * Math.max(from.lines.length, to.lines.length);
      if (commonLineCount(from.counts, to.counts) < needed) {
        continue; // cannot reach the threshold: skip the costlier LCS
      }
      const score = lineSimilarity(from.lines, to.lines);
      if (score > 0 && score >= RENAME_SIMILARITY) {
        similar.push({
          from: from.path,
          to: to.path,
          score,
          sameName: basename(from.path) === basename(to.path),
        });
      }
    }
  }
  assign(similar, renames, taken);
  return renames;
}
