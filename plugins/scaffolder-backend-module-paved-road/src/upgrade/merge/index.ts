/**
 * The three-way merge behind `paved-road:template:upgrade`: pure functions over in-memory
 * file trees, internal to this package.
 */
export type {
  ChangeKind,
  ConflictKind,
  FileChange,
  FileTree,
  MergeConflict,
  MergeLabels,
  MergeResult,
  TreeFile,
} from './types';
export { mergeTrees } from './mergeTrees';
export { mergeText, isBinary } from './text';
export { unifiedDiff } from './unifiedDiff';
