import { numberedLines, replaceLine, tree } from './__testUtils__/trees';
import { mergeTrees } from './mergeTrees';
import { labels } from './__testUtils__/trees';
import { unifiedDiff } from './unifiedDiff';

const A = numberedLines(8);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 1]);
const PNG2 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 2]);

describe('unifiedDiff', () => {
  it('is empty for equal trees', () => {
    expect(unifiedDiff(tree({ 'a.md': A }), tree({ 'a.md': A }))).toBe('');
  });

  it('shows an added file', () => {
    expect(unifiedDiff(tree({}), tree({ 'docs/new.md': 'one\ntwo\n' }))).toBe(
      [
        'diff --git a/docs/new.md b/docs/new.md',
        'new file mode 100644',
        '--- /dev/null',
        '+++ b/docs/new.md',
        '@@ -0,0 +1,2 @@',
        '+one',
        '+two',
        '',
      ].join('\n'),
    );
  });

  it('shows a removed file', () => {
    expect(
      unifiedDiff(
        tree({ 'old.sh': { content: 'x\n', executable: true } }),
        tree({}),
      ),
    ).toBe(
      [
        'diff --git a/old.sh b/old.sh',
        'deleted file mode 100755',
        '--- a/old.sh',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-x',
        '',
      ].join('\n'),
    );
  });

  it('shows a modified file with three lines of context', () => {
    const after = replaceLine(A, 8, 'line eight');
    expect(
      unifiedDiff(tree({ 'README.md': A }), tree({ 'README.md': after })),
    ).toBe(
      [
        'diff --git a/README.md b/README.md',
        '--- a/README.md',
        '+++ b/README.md',
        '@@ -5,4 +5,4 @@',
        ' line 5',
        ' line 6',
        ' line 7',
        '-line 8',
        '+line eight',
        '',
      ].join('\n'),
    );
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff(tree({ v: 'a\nb\n' }), tree({ v: 'a\nc' }))).toBe(
      [
        'diff --git a/v b/v',
        '--- a/v',
        '+++ b/v',
        '@@ -1,2 +1,2 @@',
        ' a',
        '-b',
        '+c',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
  });

  it('shows an identical file moved as a rename', () => {
    expect(
      unifiedDiff(
        tree({ 'docs/guide.md': A }),
        tree({ 'docs/user-guide.md': A }),
      ),
    ).toBe(
      [
        'diff --git a/docs/guide.md b/docs/user-guide.md',
        'rename from docs/guide.md',
        'rename to docs/user-guide.md',
        '',
      ].join('\n'),
    );
  });

  it('takes renames of edited files from the merge changes', () => {
    const before = tree({ 'docs/guide.md': A });
    const result = mergeTrees({
      base: before,
      ours: before,
      theirs: tree({ 'docs/user-guide.md': replaceLine(A, 1, 'line one') }),
      labels,
    });
    expect(unifiedDiff(before, result.files, result.changes)).toBe(
      [
        'diff --git a/docs/guide.md b/docs/user-guide.md',
        'rename from docs/guide.md',
        'rename to docs/user-guide.md',
        '--- a/docs/guide.md',
        '+++ b/docs/user-guide.md',
        '@@ -1,4 +1,4 @@',
        '-line 1',
        '+line one',
        ' line 2',
        ' line 3',
        ' line 4',
        '',
      ].join('\n'),
    );
    // Without the changes, an edited file moved is a removal and an addition.
    expect(unifiedDiff(before, result.files)).toMatch(
      /^diff --git a\/docs\/guide.md b\/docs\/guide.md\ndeleted file mode 100644\n[^]*\ndiff --git a\/docs\/user-guide.md b\/docs\/user-guide.md\nnew file mode 100644\n/,
    );
  });

  it('does not show binary content', () => {
    expect(
      unifiedDiff(tree({ 'logo.png': PNG }), tree({ 'logo.png': PNG2 })),
    ).toBe(
      'diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n',
    );
    expect(unifiedDiff(tree({}), tree({ 'logo.png': PNG }))).toBe(
      'diff --git a/logo.png b/logo.png\nnew file mode 100644\nBinary files /dev/null and b/logo.png differ\n',
    );
    expect(unifiedDiff(tree({ 'logo.png': PNG }), tree({}))).toBe(
      'diff --git a/logo.png b/logo.png\ndeleted file mode 100644\nBinary files a/logo.png and /dev/null differ\n',
    );
  });

  it('shows a mode change', () => {
    expect(
      unifiedDiff(
        tree({ 'run.sh': 'echo\n' }),
        tree({ 'run.sh': { content: 'echo\n', executable: true } }),
      ),
    ).toBe('diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n');
  });

  it('shows an added empty file without a content section', () => {
    expect(unifiedDiff(tree({}), tree({ '.gitkeep': '' }))).toBe(
      'diff --git a/.gitkeep b/.gitkeep\nnew file mode 100644\n',
    );
  });

  it('lists files in path order, a rename under its new path', () => {
    const diff = unifiedDiff(
      tree({ 'b.md': 'b\n', 'z.md': 'moved\n', 'c.md': 'c\n' }),
      tree({ 'a.md': 'a\n', 'b.md': 'b2\n', 'd.md': 'moved\n' }),
    );
    expect(diff.match(/^diff --git .*$/gm)).toEqual([
      'diff --git a/a.md b/a.md',
      'diff --git a/b.md b/b.md',
      'diff --git a/c.md b/c.md',
      'diff --git a/z.md b/d.md',
    ]);
  });
});
