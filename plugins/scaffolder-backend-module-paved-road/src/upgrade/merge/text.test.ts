import { labels, numberedLines, replaceLine } from './__testUtils__/trees';
import { isBinary, lineEndingOf, mergeText, pickLineEnding } from './text';

const base = numberedLines(8);

describe('isBinary', () => {
  it('treats UTF-8 text, including multi-byte characters and a BOM, as text', () => {
    expect(isBinary(Buffer.from('plain\n'))).toBe(false);
    expect(isBinary(Buffer.from('naïve café – 日本語 ✓\n'))).toBe(false);
    expect(isBinary(Buffer.from('\uFEFFwith a BOM\n'))).toBe(false);
    expect(isBinary(Buffer.alloc(0))).toBe(false);
  });

  it('treats a NUL byte in the first 8000 bytes as binary', () => {
    expect(isBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))).toBe(
      true,
    );
    expect(isBinary(Buffer.from('text\0more'))).toBe(true);
    const late = Buffer.concat([Buffer.alloc(8000, 'a'), Buffer.from([0])]);
    expect(isBinary(late)).toBe(false);
    const edge = Buffer.concat([Buffer.alloc(7999, 'a'), Buffer.from([0])]);
    expect(isBinary(edge)).toBe(true);
  });

  it('treats bytes that are not valid UTF-8 as binary', () => {
    expect(isBinary(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe(true); // latin-1 'café'
    expect(isBinary(Buffer.from([0xff, 0xfe, 0x41]))).toBe(true);
  });
});

describe('line endings', () => {
  it('names the line ending a text mostly uses', () => {
    expect(lineEndingOf('a\nb\n')).toBe('lf');
    expect(lineEndingOf('a\r\nb\r\n')).toBe('crlf');
    expect(lineEndingOf('a\r\nb\r\nc\n')).toBe('crlf');
    expect(lineEndingOf('a\r\nb\nc\n')).toBe('lf');
    expect(lineEndingOf('one line')).toBeUndefined();
  });

  it("keeps the repository's line ending when it differs from the base's", () => {
    expect(pickLineEnding('a\n', 'a\r\n', 'b\n')).toBe('crlf');
    expect(pickLineEnding('a\r\n', 'a\n', 'b\r\n')).toBe('lf');
    // The repository follows the old template: the new template's choice applies.
    expect(pickLineEnding('a\n', 'a\n', 'b\r\n')).toBe('crlf');
    expect(pickLineEnding(undefined, undefined, 'b\r\n')).toBe('crlf');
    expect(pickLineEnding('x', 'y', 'z')).toBe('lf');
  });
});

describe('mergeText', () => {
  it('merges changes to different hunks', () => {
    const ours = replaceLine(base, 1, 'line one');
    const theirs = replaceLine(base, 8, 'line eight');
    expect(mergeText(base, ours, theirs, labels)).toEqual({
      text: replaceLine(replaceLine(base, 1, 'line one'), 8, 'line eight'),
      conflict: false,
    });
  });

  it('writes conflicting hunks with git diff3-style markers, base included', () => {
    const ours = replaceLine(
      replaceLine(base, 1, 'line one'),
      4,
      'line four, ours',
    );
    const theirs = replaceLine(base, 4, 'line four, theirs');
    expect(mergeText(base, ours, theirs, labels)).toEqual({
      text: [
        'line one',
        'line 2',
        'line 3',
        '<<<<<<< repository',
        'line four, ours',
        '||||||| api-service 2.3.0',
        'line 4',
        '=======',
        'line four, theirs',
        '>>>>>>> api-service 2.4.0',
        'line 5',
        'line 6',
        'line 7',
        'line 8',
        '',
      ].join('\n'),
      conflict: true,
    });
  });

  it('shows several base lines and lines removed on one side', () => {
    const ours = base.replace('line 3\nline 4\nline 5\n', 'replaced\n');
    const theirs = base.replace('line 4\n', '');
    const { text, conflict } = mergeText(base, ours, theirs, labels);
    expect(conflict).toBe(true);
    expect(text).toBe(
      'line 1\nline 2\n<<<<<<< repository\nreplaced\n||||||| api-service 2.3.0\n' +
        'line 3\nline 4\nline 5\n=======\nline 3\nline 5\n>>>>>>> api-service 2.4.0\n' +
        'line 6\nline 7\nline 8\n',
    );
  });

  it('is not a conflict when both sides made the same change', () => {
    const same = replaceLine(base, 4, 'line four');
    const ours = replaceLine(same, 1, 'line one');
    const theirs = replaceLine(same, 8, 'line eight');
    expect(mergeText(base, ours, theirs, labels)).toEqual({
      text: replaceLine(replaceLine(same, 1, 'line one'), 8, 'line eight'),
      conflict: false,
    });
  });

  it('merges against an empty base with an empty base section', () => {
    expect(mergeText('', 'mine\n', 'yours\n', labels)).toEqual({
      text:
        '<<<<<<< repository\nmine\n||||||| api-service 2.3.0\n=======\nyours\n' +
        '>>>>>>> api-service 2.4.0\n',
      conflict: true,
    });
  });

  it('merges a CRLF repository file with LF templates and writes CRLF', () => {
    const ours = replaceLine(base, 1, 'line one').replace(/\n/g, '\r\n');
    const theirs = replaceLine(base, 8, 'line eight');
    expect(mergeText(base, ours, theirs, labels)).toEqual({
      text: replaceLine(
        replaceLine(base, 1, 'line one'),
        8,
        'line eight',
      ).replace(/\n/g, '\r\n'),
      conflict: false,
    });
  });

  it('writes conflict markers with CRLF in a CRLF file', () => {
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    const { text } = mergeText(
      'a\nb\n',
      crlf('a\nmine\n'),
      'a\nyours\n',
      labels,
    );
    expect(text).toBe(
      crlf(
        'a\n<<<<<<< repository\nmine\n||||||| api-service 2.3.0\nb\n=======\nyours\n>>>>>>> api-service 2.4.0\n',
      ),
    );
  });

  it('keeps a missing final newline on the side that dropped it', () => {
    // The repository dropped the final newline; the template edited the first line.
    expect(mergeText('a\nb\nc\n', 'a\nb\nc', 'A\nb\nc\n', labels)).toEqual({
      text: 'A\nb\nc',
      conflict: false,
    });
    // No file had a final newline; the template appended a line.
    expect(mergeText('a\nb\nc', 'A\nb\nc', 'a\nb\nc\nd', labels)).toEqual({
      text: 'A\nb\nc\nd',
      conflict: false,
    });
    // The template added the final newline; the repository edited the first line.
    expect(mergeText('a\nb\nc', 'A\nb\nc', 'a\nb\nc\n', labels)).toEqual({
      text: 'A\nb\nc\n',
      conflict: false,
    });
  });

  it('ends a file whose last hunk conflicts with a newline', () => {
    expect(mergeText('a\nb', 'a\nmine', 'a\nyours', labels).text).toBe(
      'a\n<<<<<<< repository\nmine\n||||||| api-service 2.3.0\nb\n=======\nyours\n>>>>>>> api-service 2.4.0\n',
    );
  });

  it('handles empty files', () => {
    expect(mergeText('', '', 'new\n', labels)).toEqual({
      text: 'new\n',
      conflict: false,
    });
    expect(mergeText('old\n', '', 'old\n', labels)).toEqual({
      text: '',
      conflict: false,
    });
  });
});
