/**
 * Types of the three-way merge behind `paved-road:template:upgrade`.
 *
 * The merge is the same idea as `copier update` / `cruft update`: a repository was
 * generated from template version A; version A is rendered again (the base) and the
 * target version B (theirs) with the same answers, and the change base -> theirs is
 * merged into the repository's current files (ours).
 */

/** One file of a tree: its bytes and whether it has the executable bit. */
export interface TreeFile {
  content: Buffer;
  executable?: boolean;
}

/** A set of files keyed by repository-relative path, with '/' separators. */
export type FileTree = Map<string, TreeFile>;

/**
 * Names of the three sides, used in conflict markers and messages, e.g. `repository`,
 * `api-service 2.3.0` and `api-service 2.4.0`.
 */
export interface MergeLabels {
  ours: string;
  base: string;
  theirs: string;
}

/** How a path of the merged tree differs from the repository's tree (ours). */
export type ChangeKind = 'added' | 'modified' | 'removed' | 'renamed';

/** A path whose content or mode differs between the repository and the merge result. */
export interface FileChange {
  /** The path in the merged tree (the new path for a rename, the old one for a removal). */
  path: string;
  change: ChangeKind;
  /** For `renamed`: the path the file had in the repository. */
  from?: string;
  /** Whether a conflict was recorded for this path. */
  conflict: boolean;
}

/**
 * What could not be merged automatically:
 * - `content`: both sides changed the same lines of a text file (conflict markers written);
 * - `both-added`: both sides added the file with different content (markers, empty base);
 * - `modified-removed`: the new template version removed a file the repository changed;
 * - `removed-modified`: the repository removed a file the new template version changed;
 * - `binary`: both sides changed a binary file differently.
 */
export type ConflictKind =
  | 'content'
  | 'both-added'
  | 'modified-removed'
  | 'removed-modified'
  | 'binary';

/** A conflict on one path of the merged tree. */
export interface MergeConflict {
  path: string;
  kind: ConflictKind;
  /** A sentence naming the file, what happened on each side and what was written. */
  message: string;
}

/** The outcome of {@link mergeTrees}. */
export interface MergeResult {
  /** The complete merged repository. */
  files: FileTree;
  /** Differences versus the repository's tree (ours), sorted by path. */
  changes: FileChange[];
  /** Conflicts, sorted by path. */
  conflicts: MergeConflict[];
}
