import {
  A,
  BOTH_EDITS,
  expected,
  labels,
  MergeCase,
  modified,
  OURS_EDIT,
  plain,
  replaceLine,
  runMerge,
  THEIRS_EDIT,
  tree,
} from './__testUtils__/trees';
import { mergeTrees } from './mergeTrees';

/** Renames by the template or in the repository, checked exactly. */
const cases: MergeCase[] = [
  {
    name: 'renamed by the template, untouched locally',
    base: { 'docs/guide.md': A },
    ours: { 'docs/guide.md': A },
    theirs: { 'docs/user-guide.md': A },
    files: { 'docs/user-guide.md': A },
    changes: [
      {
        path: 'docs/user-guide.md',
        change: 'renamed',
        from: 'docs/guide.md',
        conflict: false,
      },
    ],
  },
  {
    name: 'renamed and edited by the template, edited locally: the edit moves along',
    base: { 'docs/guide.md': A },
    ours: { 'docs/guide.md': OURS_EDIT },
    theirs: { 'docs/user-guide.md': THEIRS_EDIT },
    files: { 'docs/user-guide.md': BOTH_EDITS },
    changes: [
      {
        path: 'docs/user-guide.md',
        change: 'renamed',
        from: 'docs/guide.md',
        conflict: false,
      },
    ],
  },
  {
    name: 'renamed by the template to a path the repository already has: no rename',
    base: { 'docs/guide.md': A },
    ours: { 'docs/guide.md': A, 'docs/user-guide.md': 'mine\n' },
    theirs: { 'docs/user-guide.md': A },
    files: {
      'docs/user-guide.md':
        '<<<<<<< repository\nmine\n||||||| api-service 2.3.0\n=======\n' +
        `${A}>>>>>>> api-service 2.4.0\n`,
    },
    changes: [
      { path: 'docs/guide.md', change: 'removed', conflict: false },
      modified('docs/user-guide.md', true),
    ],
    conflicts: [
      {
        path: 'docs/user-guide.md',
        kind: 'both-added',
        message:
          "'docs/user-guide.md' was added both in the repository and by api-service 2.4.0 with different content; it was written with conflict markers around the two versions (the api-service 2.3.0 section is empty) to resolve by hand.",
      },
    ],
  },
  {
    name: 'renamed locally, edited by the template: the edit lands at the new path',
    base: { 'docs/guide.md': A },
    ours: { 'handbook/guide.md': OURS_EDIT },
    theirs: { 'docs/guide.md': THEIRS_EDIT },
    files: { 'handbook/guide.md': BOTH_EDITS },
    changes: [modified('handbook/guide.md')],
  },
  {
    name: 'renamed locally, removed by the template',
    base: { 'docs/guide.md': A },
    ours: { 'handbook/guide.md': A },
    theirs: {},
    files: {},
    changes: [
      { path: 'handbook/guide.md', change: 'removed', conflict: false },
    ],
  },
  {
    name: 'renamed the same way on both sides, edited on both',
    base: { 'docs/guide.md': A },
    ours: { 'handbook/guide.md': OURS_EDIT },
    theirs: { 'handbook/guide.md': THEIRS_EDIT },
    files: { 'handbook/guide.md': BOTH_EDITS },
    changes: [modified('handbook/guide.md')],
  },
  {
    name: 'renamed by the template, deleted locally: stays deleted',
    base: { 'docs/guide.md': A },
    ours: {},
    theirs: { 'docs/user-guide.md': A },
    files: {},
  },
  {
    name: 'renamed and edited by the template, deleted locally: not restored',
    base: { 'docs/guide.md': A },
    ours: {},
    theirs: { 'docs/user-guide.md': THEIRS_EDIT },
    files: {},
    conflicts: [
      {
        path: 'docs/user-guide.md',
        kind: 'removed-modified',
        message:
          "'docs/user-guide.md' (renamed from 'docs/guide.md' by api-service 2.4.0) was deleted in the repository but changed by api-service 2.4.0; it was not restored: add it back from api-service 2.4.0 if you need the new version.",
      },
    ],
  },
];

describe('mergeTrees renames', () => {
  it.each(cases)('$name', c => expect(runMerge(c)).toEqual(expected(c)));

  it('pairs a similar (not identical) rename and picks the best of several candidates', () => {
    const guide = 'intro\nsetup\nrun\ntest\ndeploy\nfaq\n';
    const result = mergeTrees({
      base: tree({ 'docs/guide.md': guide }),
      ours: tree({ 'docs/guide.md': guide.replace('intro', 'Intro, ours') }),
      theirs: tree({
        // Shares 4 of 6 lines: similar enough, but less than the other candidate.
        'docs/other.md': 'intro\nsetup\nrun\ntest\nX\nY\n',
        // Shares 5 of 6 lines: the best match.
        'docs/user-guide.md': guide.replace('faq', 'questions'),
      }),
      labels,
    });
    expect(plain(result.files)).toEqual({
      'docs/other.md': 'intro\nsetup\nrun\ntest\nX\nY\n',
      'docs/user-guide.md':
        'Intro, ours\nsetup\nrun\ntest\ndeploy\nquestions\n',
    });
    expect(result.changes).toEqual([
      { path: 'docs/other.md', change: 'added', conflict: false },
      {
        path: 'docs/user-guide.md',
        change: 'renamed',
        from: 'docs/guide.md',
        conflict: false,
      },
    ]);
  });

  it('does not pair files too different or too short to be one file renamed', () => {
    const result = mergeTrees({
      base: tree({ 'a.md': 'one\ntwo\nthree\nfour\n', 'x.txt': 'x\ny\n' }),
      ours: tree({
        'a.md': 'one, mine\ntwo\nthree\nfour\n',
        'x.txt': 'x, mine\ny\n',
      }),
      theirs: tree({ 'b.md': 'one\nA\nB\nC\n', 'y.txt': 'x\nz\n' }),
      labels,
    });
    expect([...result.files.keys()]).toEqual([
      'a.md',
      'b.md',
      'x.txt',
      'y.txt',
    ]);
    expect(result.conflicts.map(c => c.kind)).toEqual([
      'modified-removed',
      'modified-removed',
    ]);
  });

  it('names a renamed file in conflict messages', () => {
    const result = mergeTrees({
      base: tree({ 'docs/guide.md': A }),
      ours: tree({ 'docs/guide.md': replaceLine(A, 3, 'mine') }),
      theirs: tree({ 'docs/user-guide.md': replaceLine(A, 3, 'theirs') }),
      labels,
    });
    expect(result.conflicts).toEqual([
      expect.objectContaining({
        path: 'docs/user-guide.md',
        kind: 'content',
        message: expect.stringMatching(
          /^'docs\/user-guide.md' \(renamed from 'docs\/guide.md' by api-service 2.4.0\) was changed both/,
        ),
      }),
    ]);
    expect(result.changes).toEqual([
      {
        path: 'docs/user-guide.md',
        change: 'renamed',
        from: 'docs/guide.md',
        conflict: true,
      },
    ]);
  });

  it('keeps the repository path when both sides renamed a file differently', () => {
    const result = mergeTrees({
      base: tree({ 'docs/guide.md': A }),
      ours: tree({ 'handbook/guide.md': OURS_EDIT }),
      theirs: tree({ 'docs/user-guide.md': THEIRS_EDIT }),
      labels,
    });
    expect(plain(result.files)).toEqual({ 'handbook/guide.md': BOTH_EDITS });
    expect(result.conflicts).toEqual([]);
  });
});
