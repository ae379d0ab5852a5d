import { identical } from './content';
import { mergeFile, type MergeUnit } from './mergeFile';
import { findRenames, type PathEntry } from './renames';
import type {
  FileChange,
  FileTree,
  MergeConflict,
  MergeLabels,
  MergeResult,
} from './types';

const byPath = (a: string, b: string) => (a < b ? -1 : Number(a > b));

/** The entries of `tree` whose path satisfies `keep`. */
function entries(tree: FileTree, keep: (path: string) => boolean): PathEntry[] {
  return [...tree].filter(([path]) => keep(path));
}

/**
 * Follows every file through the three trees, pairing renamed files so that a file is
 * merged with its own history rather than deleted at one path and added at another.
 *
 * - Renamed by the template: base path P absent from theirs, theirs path R absent from
 *   base, same or similar content. The repository's P is merged into R. Not when the
 *   repository already has R, unless the repository renamed P to R too.
 * - Renamed in the repository: base path P absent from ours, ours path Q absent from
 *   base. The template's change to P is merged into Q, which stays where it is. Not when
 *   the new template has a Q of its own, unless it renamed P to Q too.
 *
 * When both renamed P to different paths, the repository's path wins.
 */
function mergeUnits(
  base: FileTree,
  ours: FileTree,
  theirs: FileTree,
): MergeUnit[] {
  const byRepository = findRenames(
    entries(base, p => !ours.has(p)),
    entries(ours, p => !base.has(p)),
  );
  const byTemplate = findRenames(
    entries(base, p => !theirs.has(p)),
    entries(theirs, p => !base.has(p)),
  );
  const localRenames = new Map(
    [...byRepository].filter(
      ([p, q]) => !theirs.has(q) || byTemplate.get(p) === q,
    ),
  );
  const templateRenames = new Map(
    [...byTemplate].filter(
      ([p, r]) => !ours.has(r) || byRepository.get(p) === r,
    ),
  );

  const units: MergeUnit[] = [];
  for (const basePath of base.keys()) {
    const oursPath = localRenames.get(basePath) ?? basePath;
    const theirsPath = templateRenames.get(basePath) ?? basePath;
    units.push({
      path: localRenames.get(basePath) ?? theirsPath,
      basePath,
      oursPath,
      theirsPath,
      base: base.get(basePath),
      ours: ours.get(oursPath),
      theirs: theirs.get(theirsPath),
    });
  }

  // Paths new on either side that are not the new name of a base file.
  const renamedTo = new Set([
    ...localRenames.values(),
    ...templateRenames.values(),
  ]);
  const newPaths = new Set([...ours.keys(), ...theirs.keys()]);
  for (const path of newPaths) {
    if (!base.has(path) && !renamedTo.has(path)) {
      units.push({
        path,
        oursPath: path,
        theirsPath: path,
        ours: ours.get(path),
        theirs: theirs.get(path),
      });
    }
  }
  return units;
}

/**
 * Merges the template's change from `base` (the old version rendered again) to `theirs`
 * (the new version, rendered with the same answers) into `ours` (the repository's files),
 * the way `copier update` / `cruft update` do. Per file, comparing contents with line
 * endings normalised:
 *
 * - theirs equals base: ours is kept as it is (also a local deletion or addition);
 * - ours equals base: theirs is taken (added, modified or deleted);
 * - ours equals theirs: kept, no conflict;
 * - otherwise both changed it: text is merged with diff3 (conflicting hunks written with
 *   git's diff3-style markers, kind `content`; `both-added` when there is no base); a
 *   file removed on one side and changed on the other, or a binary file, keeps the
 *   repository's state with a conflict (`modified-removed`, `removed-modified`, `binary`).
 *
 * Renames by either side are followed (see the module's rename rules), a repository's
 * CRLF line endings and a missing final newline are kept, and the executable bit is
 * merged as a flag. `changes` lists every path whose content or mode differs from ours
 * (a rename once, under its new path).
 */
export function mergeTrees(input: {
  base: FileTree;
  ours: FileTree;
  theirs: FileTree;
  labels: MergeLabels;
}): MergeResult {
  const { base, ours, theirs, labels } = input;
  const merged: FileTree = new Map();
  const conflicts: MergeConflict[] = [];
  /** Result path -> the repository path it was moved from (template renames). */
  const movedFrom = new Map<string, string>();

  for (const unit of mergeUnits(base, ours, theirs)) {
    const { file, conflict } = mergeFile(unit, labels);
    if (file) {
      merged.set(unit.path, file);
      if (
        unit.oursPath &&
        unit.oursPath !== unit.path &&
        ours.has(unit.oursPath)
      ) {
        movedFrom.set(unit.path, unit.oursPath);
      }
    }
    if (conflict) {
      conflicts.push({ path: unit.path, ...conflict });
    }
  }

  const conflicted = new Set(conflicts.map(c => c.path));
  const changes: FileChange[] = [];
  const change = (path: string, kind: FileChange['change'], from?: string) =>
    changes.push({
      path,
      change: kind,
      ...(from === undefined ? {} : { from }),
      conflict: conflicted.has(path),
    });
  for (const [path, file] of merged) {
    const before = ours.get(path);
    const from = movedFrom.get(path);
    if (from !== undefined) {
      change(path, 'renamed', from);
    } else if (!before) {
      change(path, 'added');
    } else if (!identical(before, file)) {
      change(path, 'modified');
    }
  }
  const moved = new Set(movedFrom.values());
  for (const path of ours.keys()) {
    if (!merged.has(path) && !moved.has(path)) {
      change(path, 'removed');
    }
  }

  return {
    files: new Map([...merged].sort(([a], [b]) => byPath(a, b))),
    changes: changes.sort((a, b) => byPath(a.path, b.path)),
    conflicts: conflicts.sort((a, b) => byPath(a.path, b.path)),
  };
}
