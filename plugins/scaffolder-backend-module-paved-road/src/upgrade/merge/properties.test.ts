import { labels, plain } from './__testUtils__/trees';
import { mergeTrees } from './mergeTrees';
import type { FileTree, TreeFile } from './types';

/**
 * Property-style tests over random small trees: a side that did not change since the
 * base must give way entirely to the other side, whatever the other side did (edits,
 * additions, deletions, renames, binary files, executable bits, final newlines).
 */

/** A small deterministic PRNG (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

const PATHS = [
  'README.md',
  'a.txt',
  'b.txt',
  'src/index.ts',
  'src/util.ts',
  'bin/run.sh',
  'img/logo.png',
];
const WORDS = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  '',
  '}',
  'return x;',
  'import y;',
];

function randomFile(r: Random): TreeFile {
  let content: Buffer;
  if (r.next() < 0.15) {
    content = Buffer.from([
      0x89,
      0x00,
      ...Array.from({ length: 1 + r.int(6) }, () => r.int(256)),
    ]);
  } else {
    const lines = Array.from({ length: r.int(8) }, () => r.pick(WORDS));
    const finalNewline = lines.length > 0 && r.next() < 0.8;
    content = Buffer.from(lines.join('\n') + (finalNewline ? '\n' : ''));
  }
  return r.next() < 0.2 ? { content, executable: true } : { content };
}

/** The file with some lines replaced, inserted or removed, or a flipped executable bit. */
function editFile(r: Random, file: TreeFile): TreeFile {
  if (r.next() < 0.2) {
    return { content: file.content, executable: !file.executable };
  }
  if (file.content.includes(0)) {
    return {
      ...file,
      content: Buffer.concat([file.content, Buffer.from([r.int(256)])]),
    };
  }
  const lines = file.content.toString('utf8').split('\n');
  for (let i = 0, n = 1 + r.int(3); i < n; i++) {
    const at = r.int(lines.length + 1);
    const op = r.int(3);
    if (op === 0) lines.splice(at, 0, r.pick(WORDS));
    else if (op === 1) lines.splice(at, 1);
    else
      lines[Math.min(at, lines.length - 1)] = `${r.pick(WORDS)} ${r.int(100)}`;
  }
  return { ...file, content: Buffer.from(lines.join('\n')) };
}

function randomTree(r: Random): FileTree {
  const result: FileTree = new Map();
  for (const path of PATHS) {
    if (r.next() < 0.5) result.set(path, randomFile(r));
  }
  return result;
}

/** A changed copy of `base`: files edited, removed, added and moved. */
function changeTree(r: Random, base: FileTree): FileTree {
  const result: FileTree = new Map();
  for (const [path, file] of base) {
    const roll = r.next();
    if (roll < 0.15) continue; // removed
    if (roll < 0.3) {
      result.set(`moved/${path}`, r.next() < 0.5 ? file : editFile(r, file));
    } else {
      result.set(path, roll < 0.65 ? editFile(r, file) : file);
    }
  }
  for (const path of PATHS) {
    if (!base.has(path) && r.next() < 0.3) result.set(path, randomFile(r));
  }
  return result;
}

const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);

/** Runs `check` for every seed, naming the seed of a failure so it can be replayed. */
function forEachSeed(check: (r: Random) => void) {
  for (const seed of SEEDS) {
    try {
      check(random(seed));
    } catch (error) {
      throw new Error(`seed ${seed}: ${(error as Error).message}`);
    }
  }
}

const sameFile = (a?: TreeFile, b?: TreeFile) =>
  Boolean(a && b) &&
  a!.content.equals(b!.content) &&
  Boolean(a!.executable) === Boolean(b!.executable);

describe('mergeTrees properties', () => {
  it('ours == base gives exactly theirs, each difference reported once', () => {
    forEachSeed(r => {
      const base = randomTree(r);
      const theirs = changeTree(r, base);
      const result = mergeTrees({ base, ours: new Map(base), theirs, labels });
      expect(plain(result.files)).toEqual(plain(theirs));
      expect(result.conflicts).toEqual([]);

      const reported = result.changes.flatMap(c =>
        c.from === undefined ? [c.path] : [c.from, c.path],
      );
      const differing = [...new Set([...base.keys(), ...theirs.keys()])].filter(
        path => !sameFile(base.get(path), theirs.get(path)),
      );
      expect([...reported].sort()).toEqual(differing.sort());
    });
  });

  it('theirs == base gives exactly ours, with no changes', () => {
    forEachSeed(r => {
      const base = randomTree(r);
      const ours = changeTree(r, base);
      const result = mergeTrees({ base, ours, theirs: new Map(base), labels });
      expect(plain(result.files)).toEqual(plain(ours));
      expect(result.changes).toEqual([]);
      expect(result.conflicts).toEqual([]);
    });
  });

  it('covers renames, binary files, executable bits and missing final newlines', () => {
    const seen = new Set<string>();
    forEachSeed(r => {
      const base = randomTree(r);
      const theirs = changeTree(r, base);
      const result = mergeTrees({ base, ours: new Map(base), theirs, labels });
      for (const c of result.changes) seen.add(c.change);
      for (const file of theirs.values()) {
        if (file.executable) seen.add('executable');
        if (file.content.includes(0)) seen.add('binary');
        if (file.content.length && !file.content.toString().endsWith('\n')) {
          seen.add('no final newline');
        }
      }
    });
    expect([...seen].sort()).toEqual([
      'added',
      'binary',
      'executable',
      'modified',
      'no final newline',
      'removed',
      'renamed',
    ]);
  });
});
