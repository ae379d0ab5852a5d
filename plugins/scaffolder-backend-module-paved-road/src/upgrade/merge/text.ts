import { diff3Regions } from './diff3';
import type { MergeLabels } from './types';

/** How many leading bytes are searched for a NUL byte, as git does. */
const BINARY_PROBE_BYTES = 8000;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether `content` is treated as binary: a NUL byte in its first 8000 bytes (git's
 * heuristic), or bytes that are not valid UTF-8. Binary files are never merged line by
 * line nor normalised; they are compared byte for byte.
 */
export function isBinary(content: Buffer): boolean {
  if (content.subarray(0, BINARY_PROBE_BYTES).includes(0)) {
    return true;
  }
  try {
    strictUtf8.decode(content);
    return false;
  } catch {
    return true;
  }
}

/** A text file's line-ending convention. */
export type LineEnding = 'lf' | 'crlf';

/**
 * The line ending `text` mostly uses, or `undefined` when it has no line break at all.
 * A file with both kinds counts as CRLF only when CRLF is the majority.
 */
export function lineEndingOf(text: string): LineEnding | undefined {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text[i - 1] === '\r') {
      crlf += 1;
    } else {
      lf += 1;
    }
  }
  if (crlf + lf === 0) {
    return undefined;
  }
  return crlf > lf ? 'crlf' : 'lf';
}

/** `text` with every CRLF turned into LF; contents are compared and merged in this form. */
export function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** LF-only `text` written with `ending`. */
export function withLineEnding(text: string, ending: LineEnding): string {
  return ending === 'crlf' ? text.replace(/\n/g, '\r\n') : text;
}

/**
 * The line ending a merged file is written with. The line ending is merged like any other
 * property: when the repository's differs from the old template's (say a Windows checkout
 * of an LF template), the repository's choice stays; otherwise the new template's applies.
 * Texts without any line break do not vote.
 */
export function pickLineEnding(
  base: string | undefined,
  ours: string | undefined,
  theirs: string | undefined,
): LineEnding {
  const o = ours === undefined ? undefined : lineEndingOf(ours);
  const b = base === undefined ? undefined : lineEndingOf(base);
  const t = theirs === undefined ? undefined : lineEndingOf(theirs);
  if (o && o !== b) {
    return o;
  }
  return t ?? o ?? b ?? 'lf';
}

/**
 * The template's `theirs` text as it is written into the repository when it replaces the
 * repository's unchanged copy: converted only when {@link pickLineEnding} chooses another
 * line ending than the one `theirs` has, so that a repository checked out with CRLF keeps
 * CRLF.
 */
export function adoptText(
  base: string | undefined,
  ours: string | undefined,
  theirs: string,
): string {
  const own = lineEndingOf(theirs);
  const ending = pickLineEnding(base, ours, theirs);
  return own === undefined || own === ending
    ? theirs
    : withLineEnding(toLf(theirs), ending);
}

/** LF-only text as lines without their terminators, and whether the last line had one. */
interface Lines {
  lines: string[];
  finalNewline: boolean;
}

function splitLines(text: string): Lines {
  const lines = text.split('\n');
  // 'a\n' splits into ['a', '']: the empty tail is the final newline, not a line. An
  // empty text counts as ending with a newline, so it never votes for "no newline".
  const finalNewline = lines[lines.length - 1] === '';
  if (finalNewline) {
    lines.pop();
  }
  return { lines, finalNewline };
}

function joinLines(lines: string[], finalNewline: boolean): string {
  if (lines.length === 0) {
    return '';
  }
  return lines.join('\n') + (finalNewline ? '\n' : '');
}

/**
 * Merges the change `base` -> `theirs` into `ours`, line by line (diff3). Both sides
 * making the same change is not a conflict. Where both sides changed the same lines
 * differently, the hunk is written the way git writes it with `merge.conflictStyle=diff3`:
 *
 * ```
 * <<<<<<< ${labels.ours}
 * (ours' lines)
 * ||||||| ${labels.base}
 * (base's lines)
 * =======
 * (theirs' lines)
 * >>>>>>> ${labels.theirs}
 * ```
 *
 * Line endings are normalised to LF for the merge and the result is written with the
 * line ending chosen by {@link pickLineEnding} (the repository's CRLF is kept). Whether
 * the file ends with a newline is merged like a flag: the repository's choice stays when
 * it differs from the base's; a file ending in a conflict hunk always ends with one.
 */
export function mergeText(
  base: string,
  ours: string,
  theirs: string,
  labels: MergeLabels,
): { text: string; conflict: boolean } {
  const ending = pickLineEnding(base, ours, theirs);
  const b = splitLines(toLf(base));
  const o = splitLines(toLf(ours));
  const t = splitLines(toLf(theirs));

  const out: string[] = [];
  let conflict = false;
  let endsInConflict = false;
  for (const region of diff3Regions(b.lines, o.lines, t.lines)) {
    if ('ok' in region) {
      out.push(...region.ok);
      endsInConflict = endsInConflict && region.ok.length === 0;
    } else {
      const c = region.conflict;
      out.push(
        `<<<<<<< ${labels.ours}`,
        ...c.ours,
        `||||||| ${labels.base}`,
        ...c.base,
        '=======',
        ...c.theirs,
        `>>>>>>> ${labels.theirs}`,
      );
      conflict = true;
      endsInConflict = true;
    }
  }

  const finalNewline =
    endsInConflict ||
    (o.finalNewline === b.finalNewline ? t.finalNewline : o.finalNewline);
  return {
    text: withLineEnding(joinLines(out, finalNewline), ending),
    conflict,
  };
}
