import { isBinary, toLf } from './text';
import type { TreeFile } from './types';

/**
 * How files are compared: text files by their content with line endings normalised to
 * LF (a file whose only difference is CRLF versus LF is unchanged), binary files byte for
 * byte. Results are cached per buffer, as one file is compared several times.
 */

/** LF-normalised text per buffer, `null` for a binary buffer. */
const normalised = new WeakMap<Buffer, string | null>();

/** The file's text with LF line endings, or `undefined` when the file is binary. */
export function normalisedText(file: TreeFile): string | undefined {
  let text = normalised.get(file.content);
  if (text === undefined) {
    text = isBinary(file.content) ? null : toLf(file.content.toString('utf8'));
    normalised.set(file.content, text);
  }
  return text ?? undefined;
}

/** Whether the file is binary (see `isBinary`). */
export function isBinaryFile(file: TreeFile): boolean {
  return normalisedText(file) === undefined;
}

/** The file's text exactly as stored (line endings untouched). */
export function rawText(file: TreeFile): string {
  return file.content.toString('utf8');
}

/**
 * Whether two sides have the same content: both absent, or both present with equal
 * normalised text, or equal bytes when either is binary. The executable bit is not
 * content; it is merged separately.
 */
export function sameContent(
  a: TreeFile | undefined,
  b: TreeFile | undefined,
): boolean {
  if (!a || !b) {
    return a === b;
  }
  if (a.content.equals(b.content)) {
    return true;
  }
  const textA = normalisedText(a);
  const textB = normalisedText(b);
  return textA !== undefined && textA === textB;
}

/** Whether two files are identical byte for byte and in mode. */
export function identical(a: TreeFile, b: TreeFile): boolean {
  return (
    Boolean(a.executable) === Boolean(b.executable) &&
    a.content.equals(b.content)
  );
}

/** The file's lines (LF-normalised, without terminators); `undefined` when binary. */
export function linesOf(file: TreeFile): string[] | undefined {
  const text = normalisedText(file);
  if (text === undefined) {
    return undefined;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines;
}
