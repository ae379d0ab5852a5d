import {
  identical,
  isBinaryFile,
  normalisedText,
  rawText,
  sameContent,
} from './content';
import { adoptText, mergeText } from './text';
import type { ConflictKind, MergeLabels, TreeFile } from './types';

/**
 * One file followed through the three trees. Usually the three paths are the same; they
 * differ when the template or the repository renamed the file since the base.
 */
export interface MergeUnit {
  /** Where the result is written. */
  path: string;
  basePath?: string;
  oursPath?: string;
  theirsPath?: string;
  base?: TreeFile;
  ours?: TreeFile;
  theirs?: TreeFile;
}

/** The merged file (absent: the path is not in the result) and the conflict, if any. */
export interface UnitResult {
  file?: TreeFile;
  conflict?: { kind: ConflictKind; message: string };
}

/** The file named for messages, with where it came from when it was renamed. */
function describe(unit: MergeUnit, labels: MergeLabels): string {
  const { path, basePath, oursPath, theirsPath } = unit;
  if (basePath && basePath !== path) {
    return oursPath === path && theirsPath !== path
      ? `'${path}' (renamed in the repository from '${basePath}')`
      : `'${path}' (renamed from '${basePath}' by ${labels.theirs})`;
  }
  return `'${path}'`;
}

/**
 * The executable bit, merged like a flag: the new template's when the repository still
 * has the old template's, otherwise the repository's. A side without the file does not
 * vote.
 */
function mergeExecutable(unit: MergeUnit): boolean {
  const ours = Boolean(unit.ours?.executable);
  const theirs = Boolean(unit.theirs?.executable);
  if (!unit.ours) {
    return theirs;
  }
  if (!unit.theirs) {
    return ours;
  }
  return ours === Boolean(unit.base?.executable) ? theirs : ours;
}

/**
 * The template's file as it replaces the repository's unchanged one: its bytes, unless
 * the repository uses another line ending than the templates (then it is converted).
 */
function takeTheirs(unit: MergeUnit, theirs: TreeFile): Buffer {
  const { base, ours } = unit;
  if (!ours || normalisedText(theirs) === undefined || isBinaryFile(ours)) {
    return theirs.content;
  }
  const baseText = base && !isBinaryFile(base) ? rawText(base) : undefined;
  const text = rawText(theirs);
  const adopted = adoptText(baseText, rawText(ours), text);
  return adopted === text ? theirs.content : Buffer.from(adopted, 'utf8');
}

/**
 * Content of the result and the conflict, per the rules of `mergeTrees`: a side that did
 * not change since the base gives way to the other; where both changed, text is merged
 * line by line and the rest keeps the repository's state with a conflict.
 */
function mergeContent(
  unit: MergeUnit,
  labels: MergeLabels,
): { content?: Buffer; conflict?: UnitResult['conflict'] } {
  const { base, ours, theirs } = unit;
  const file = describe(unit, labels);
  const T = labels.theirs;

  if (sameContent(theirs, base)) {
    return { content: ours?.content };
  }
  if (sameContent(ours, base)) {
    return { content: theirs && takeTheirs(unit, theirs) };
  }
  if (sameContent(ours, theirs)) {
    // The same change on both sides, including both deleting the file.
    return { content: ours?.content };
  }

  // Both sides changed the file, differently.
  if (ours && !theirs) {
    return {
      content: ours.content,
      conflict: {
        kind: 'modified-removed',
        message: `${file} was removed by ${T} but changed in the repository; the repository's copy is kept: delete it if you no longer need it.`,
      },
    };
  }
  if (theirs && !ours) {
    return {
      conflict: {
        kind: 'removed-modified',
        message: `${file} was deleted in the repository but changed by ${T}; it was not restored: add it back from ${T} if you need the new version.`,
      },
    };
  }
  if (!ours || !theirs) {
    return {}; // unreachable: both absent is "ours equals theirs"
  }

  const added = base === undefined;
  if (
    isBinaryFile(ours) ||
    isBinaryFile(theirs) ||
    (base && isBinaryFile(base))
  ) {
    return {
      content: ours.content,
      conflict: {
        kind: 'binary',
        message: `${file} is a binary file ${
          added ? 'added' : 'changed'
        } both in the repository and by ${T}${
          added ? ' with different content' : ''
        }; the repository's copy is kept: replace it with the ${T} version if you need it.`,
      },
    };
  }

  // Added on both sides: merged against an empty base, so conflicting hunks show an
  // empty base section.
  const merged = mergeText(
    base ? rawText(base) : '',
    rawText(ours),
    rawText(theirs),
    labels,
  );
  const content = Buffer.from(merged.text, 'utf8');
  if (!merged.conflict) {
    return { content };
  }
  return {
    content,
    conflict: added
      ? {
          kind: 'both-added',
          message: `${file} was added both in the repository and by ${T} with different content; it was written with conflict markers around the two versions (the ${labels.base} section is empty) to resolve by hand.`,
        }
      : {
          kind: 'content',
          message: `${file} was changed both in the repository and by ${T} in the same places; it was written with conflict markers (<<<<<<< ||||||| ======= >>>>>>>) showing the repository's, ${labels.base}'s and ${T}'s lines, to resolve by hand.`,
        },
  };
}

/**
 * Merges one file three ways: content (see `mergeTrees`) and executable bit. When the
 * result is the repository's file unchanged, the repository's `TreeFile` is returned.
 */
export function mergeFile(unit: MergeUnit, labels: MergeLabels): UnitResult {
  const { content, conflict } = mergeContent(unit, labels);
  if (content === undefined) {
    return { conflict };
  }
  const executable = mergeExecutable(unit);
  let file: TreeFile = executable ? { content, executable } : { content };
  if (unit.ours && identical(unit.ours, file)) {
    file = unit.ours;
  }
  return conflict ? { file, conflict } : { file };
}
