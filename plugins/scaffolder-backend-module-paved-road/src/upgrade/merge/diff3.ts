import * as nodeDiff3 from 'node-diff3';

/**
 * The small, strictly typed part of `node-diff3` that the merge uses. The package's own
 * declarations are generic and loose (results typed `T | string`, every region field
 * optional), so the one call is wrapped here behind exact types.
 */

/** Lines taken as they are: unchanged, or changed on one side only, or changed alike. */
export interface StableRegion {
  ok: string[];
}

/** Lines both sides changed differently: the repository's, the base's and the template's. */
export interface ConflictRegion {
  conflict: { ours: string[]; base: string[]; theirs: string[] };
}

/** One region of a line-based three-way merge, in file order. */
export type Diff3Region = StableRegion | ConflictRegion;

interface NodeDiff3Region {
  ok?: string[];
  conflict?: { a: string[]; o: string[]; b: string[] };
}

type NodeDiff3Merge = (
  a: string[],
  o: string[],
  b: string[],
  options: { excludeFalseConflicts: boolean },
) => NodeDiff3Region[];

const diff3Merge = nodeDiff3.diff3Merge as unknown as NodeDiff3Merge;

/**
 * Merges the lines of `ours` and `theirs`, both derived from `base`. Regions where both
 * sides made the same change are not conflicts (`excludeFalseConflicts`).
 */
export function diff3Regions(
  base: string[],
  ours: string[],
  theirs: string[],
): Diff3Region[] {
  return diff3Merge(ours, base, theirs, { excludeFalseConflicts: true }).map(
    region =>
      region.conflict
        ? {
            conflict: {
              ours: region.conflict.a,
              base: region.conflict.o,
              theirs: region.conflict.b,
            },
          }
        : { ok: region.ok ?? [] },
  );
}
