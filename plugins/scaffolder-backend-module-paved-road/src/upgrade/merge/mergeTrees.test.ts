import {
  A,
  BOTH_EDITS,
  crlf,
  expected,
  labels,
  MergeCase,
  modified,
  OURS_EDIT,
  THEIRS_EDIT,
  tree,
  replaceLine,
  runMerge,
} from './__testUtils__/trees';
import { mergeTrees } from './mergeTrees';

const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 1,
]);
const PNG_OURS = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 2,
]);
const PNG_THEIRS = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 3,
]);

/**
 * The corpus of per-path cases (renames are in mergeTrees.renames.test.ts): each case's
 * merged tree, changes and conflicts are checked exactly.
 */
const cases: MergeCase[] = [
  {
    name: 'unchanged file',
    base: { 'README.md': A },
    ours: { 'README.md': A },
    theirs: { 'README.md': A },
    files: { 'README.md': A },
  },
  {
    name: 'locally edited file, template unchanged',
    base: { 'README.md': A },
    ours: { 'README.md': OURS_EDIT },
    theirs: { 'README.md': A },
    files: { 'README.md': OURS_EDIT },
  },
  {
    name: 'template-only edit',
    base: { 'README.md': A },
    ours: { 'README.md': A },
    theirs: { 'README.md': THEIRS_EDIT },
    files: { 'README.md': THEIRS_EDIT },
    changes: [modified('README.md')],
  },
  {
    name: 'both edited, different hunks',
    base: { 'README.md': A },
    ours: { 'README.md': OURS_EDIT },
    theirs: { 'README.md': THEIRS_EDIT },
    files: { 'README.md': BOTH_EDITS },
    changes: [modified('README.md')],
  },
  {
    name: 'both edited, conflict',
    base: { 'README.md': A },
    ours: { 'README.md': replaceLine(A, 2, 'line two (repository)') },
    theirs: { 'README.md': replaceLine(A, 2, 'line two (2.4.0)') },
    files: {
      'README.md':
        'line 1\n<<<<<<< repository\nline two (repository)\n||||||| api-service 2.3.0\n' +
        'line 2\n=======\nline two (2.4.0)\n>>>>>>> api-service 2.4.0\n' +
        'line 3\nline 4\nline 5\nline 6\nline 7\nline 8\n',
    },
    changes: [modified('README.md', true)],
    conflicts: [
      {
        path: 'README.md',
        kind: 'content',
        message:
          "'README.md' was changed both in the repository and by api-service 2.4.0 in the same places; it was written with conflict markers (<<<<<<< ||||||| ======= >>>>>>>) showing the repository's, api-service 2.3.0's and api-service 2.4.0's lines, to resolve by hand.",
      },
    ],
  },
  {
    name: 'both made the same edit',
    base: { 'README.md': A },
    ours: { 'README.md': THEIRS_EDIT },
    theirs: { 'README.md': THEIRS_EDIT },
    files: { 'README.md': THEIRS_EDIT },
  },
  {
    name: 'file added by the template',
    base: {},
    ours: { 'README.md': A },
    theirs: { 'README.md': A, 'docs/new.md': 'new\n' },
    files: { 'README.md': A, 'docs/new.md': 'new\n' },
    changes: [{ path: 'docs/new.md', change: 'added', conflict: false }],
  },
  {
    name: 'file added locally',
    base: { 'README.md': A },
    ours: { 'README.md': A, 'notes.md': 'mine\n' },
    theirs: { 'README.md': A },
    files: { 'README.md': A, 'notes.md': 'mine\n' },
  },
  {
    name: 'added on both sides, identical',
    base: {},
    ours: { '.nvmrc': '22\n' },
    theirs: { '.nvmrc': '22\n' },
    files: { '.nvmrc': '22\n' },
  },
  {
    name: 'added on both sides, different',
    base: {},
    ours: { '.nvmrc': '20\n' },
    theirs: { '.nvmrc': '22\n' },
    files: {
      '.nvmrc':
        '<<<<<<< repository\n20\n||||||| api-service 2.3.0\n=======\n22\n>>>>>>> api-service 2.4.0\n',
    },
    changes: [modified('.nvmrc', true)],
    conflicts: [
      {
        path: '.nvmrc',
        kind: 'both-added',
        message:
          "'.nvmrc' was added both in the repository and by api-service 2.4.0 with different content; it was written with conflict markers around the two versions (the api-service 2.3.0 section is empty) to resolve by hand.",
      },
    ],
  },
  {
    name: 'removed by the template, untouched locally',
    base: { 'README.md': A, 'old.md': 'old\n' },
    ours: { 'README.md': A, 'old.md': 'old\n' },
    theirs: { 'README.md': A },
    files: { 'README.md': A },
    changes: [{ path: 'old.md', change: 'removed', conflict: false }],
  },
  {
    name: 'removed by the template, modified locally',
    base: { 'old.md': 'old\n' },
    ours: { 'old.md': 'old, edited\n' },
    theirs: {},
    files: { 'old.md': 'old, edited\n' },
    conflicts: [
      {
        path: 'old.md',
        kind: 'modified-removed',
        message:
          "'old.md' was removed by api-service 2.4.0 but changed in the repository; the repository's copy is kept: delete it if you no longer need it.",
      },
    ],
  },
  {
    name: 'removed locally, template unchanged',
    base: { 'README.md': A, 'CONTRIBUTING.md': 'how\n' },
    ours: { 'README.md': A },
    theirs: { 'README.md': A, 'CONTRIBUTING.md': 'how\n' },
    files: { 'README.md': A },
  },
  {
    name: 'removed locally, template modified',
    base: { 'README.md': A, 'CONTRIBUTING.md': 'how\n' },
    ours: { 'README.md': A },
    theirs: { 'README.md': A, 'CONTRIBUTING.md': 'how, revised\n' },
    files: { 'README.md': A },
    conflicts: [
      {
        path: 'CONTRIBUTING.md',
        kind: 'removed-modified',
        message:
          "'CONTRIBUTING.md' was deleted in the repository but changed by api-service 2.4.0; it was not restored: add it back from api-service 2.4.0 if you need the new version.",
      },
    ],
  },
  {
    name: 'removed on both sides',
    base: { 'README.md': A, 'old.md': 'old\n' },
    ours: { 'README.md': A },
    theirs: { 'README.md': A },
    files: { 'README.md': A },
  },
  {
    name: 'binary unchanged',
    base: { 'logo.png': PNG },
    ours: { 'logo.png': PNG },
    theirs: { 'logo.png': PNG },
    files: { 'logo.png': PNG },
  },
  {
    name: 'binary changed by the template only',
    base: { 'logo.png': PNG },
    ours: { 'logo.png': PNG },
    theirs: { 'logo.png': PNG_THEIRS },
    files: { 'logo.png': PNG_THEIRS },
    changes: [modified('logo.png')],
  },
  {
    name: 'binary changed on both sides',
    base: { 'logo.png': PNG },
    ours: { 'logo.png': PNG_OURS },
    theirs: { 'logo.png': PNG_THEIRS },
    files: { 'logo.png': PNG_OURS },
    conflicts: [
      {
        path: 'logo.png',
        kind: 'binary',
        message:
          "'logo.png' is a binary file changed both in the repository and by api-service 2.4.0; the repository's copy is kept: replace it with the api-service 2.4.0 version if you need it.",
      },
    ],
  },
  {
    name: 'CRLF repository file, LF template edit: the edit is written with CRLF',
    base: { 'README.md': A },
    ours: { 'README.md': crlf(A) },
    theirs: { 'README.md': THEIRS_EDIT },
    files: { 'README.md': crlf(THEIRS_EDIT) },
    changes: [modified('README.md')],
  },
  {
    name: 'CRLF repository file edited, LF template edit: merged with CRLF',
    base: { 'README.md': A },
    ours: { 'README.md': crlf(OURS_EDIT) },
    theirs: { 'README.md': THEIRS_EDIT },
    files: { 'README.md': crlf(BOTH_EDITS) },
    changes: [modified('README.md')],
  },
  {
    name: 'only line endings differ: unchanged',
    base: { 'README.md': A },
    ours: { 'README.md': crlf(A) },
    theirs: { 'README.md': A },
    files: { 'README.md': crlf(A) },
  },
  {
    name: 'missing final newline kept',
    base: { VERSION: 'a\nb\nc\n' },
    ours: { VERSION: 'a\nb\nc' },
    theirs: { VERSION: 'A\nb\nc\n' },
    files: { VERSION: 'A\nb\nc' },
    changes: [modified('VERSION')],
  },
  {
    name: 'executable bit set by the template (flag-only change)',
    base: { 'scripts/run.sh': 'echo run\n' },
    ours: { 'scripts/run.sh': 'echo run\n' },
    theirs: { 'scripts/run.sh': { content: 'echo run\n', executable: true } },
    files: { 'scripts/run.sh': { content: 'echo run\n', executable: true } },
    changes: [modified('scripts/run.sh')],
  },
  {
    name: 'executable bit set locally, content edited by the template',
    base: { 'scripts/run.sh': 'echo run\n' },
    ours: { 'scripts/run.sh': { content: 'echo run\n', executable: true } },
    theirs: { 'scripts/run.sh': 'echo run --fast\n' },
    files: {
      'scripts/run.sh': { content: 'echo run --fast\n', executable: true },
    },
    changes: [modified('scripts/run.sh')],
  },
  {
    name: 'executable bit of a file added by the template',
    base: {},
    ours: {},
    theirs: { gradlew: { content: '#!/bin/sh\n', executable: true } },
    files: { gradlew: { content: '#!/bin/sh\n', executable: true } },
    changes: [{ path: 'gradlew', change: 'added', conflict: false }],
  },
];

describe('mergeTrees', () => {
  it.each(cases)('$name', c => expect(runMerge(c)).toEqual(expected(c)));

  it('returns the repository file objects it keeps unchanged', () => {
    const ours = tree({ 'README.md': OURS_EDIT });
    const result = mergeTrees({
      base: tree({ 'README.md': A }),
      ours,
      theirs: tree({ 'README.md': A }),
      labels,
    });
    expect(result.files.get('README.md')).toBe(ours.get('README.md'));
  });

  it('sorts the merged tree, changes and conflicts by path', () => {
    const result = mergeTrees({
      base: tree({ 'b.md': 'b\n', 'a.md': 'a\n' }),
      ours: tree({ 'b.md': 'b, mine\n', 'a.md': 'a, mine\n' }),
      theirs: tree({ 'z.md': 'z\n', 'c.md': 'c\n' }),
      labels,
    });
    expect([...result.files.keys()]).toEqual(['a.md', 'b.md', 'c.md', 'z.md']);
    expect(result.changes.map(c => c.path)).toEqual(['c.md', 'z.md']);
    expect(result.conflicts.map(c => [c.path, c.kind])).toEqual([
      ['a.md', 'modified-removed'],
      ['b.md', 'modified-removed'],
    ]);
  });
});
