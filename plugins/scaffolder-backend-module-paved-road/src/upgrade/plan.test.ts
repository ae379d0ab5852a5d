import { readableDiff } from './plan';

describe('readableDiff', () => {
  it('summarises lockfiles and keeps other files', () => {
    const diff = [
      'diff --git a/package-lock.json b/package-lock.json',
      '--- a/package-lock.json',
      '+++ b/package-lock.json',
      '@@ -1,3 +1,3 @@',
      '-  "a": 1,',
      '+  "a": 2,',
      '+  "b": 3,',
      'diff --git a/src/app.ts b/src/app.ts',
      '--- a/src/app.ts',
      '+++ b/src/app.ts',
      '@@ -1 +1 @@',
      '-old',
      '+new',
      '',
    ].join('\n');
    expect(readableDiff(diff)).toBe(
      [
        'diff --git a/package-lock.json b/package-lock.json',
        '--- a/package-lock.json',
        '+++ b/package-lock.json',
        '# lockfile: 2 lines added, 1 removed (not shown)',
        'diff --git a/src/app.ts b/src/app.ts',
        '--- a/src/app.ts',
        '+++ b/src/app.ts',
        '@@ -1 +1 @@',
        '-old',
        '+new',
        '',
      ].join('\n'),
    );
  });

  it('cuts a very long diff, saying so', () => {
    const long = `diff --git a/a b/a\n${'+x\n'.repeat(150_000)}`;
    const out = readableDiff(long);
    expect(out.length).toBeLessThan(201_000);
    expect(out).toMatch(
      /# \.\.\. cut at 200000 characters: see the branch for the whole change\n$/,
    );
  });
});
