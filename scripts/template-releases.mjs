#!/usr/bin/env node
// Builds a git repository of released golden-path templates, one tag per release
// (`<name>-v<version>`), from templates/releases.yaml and the working tree:
//
//   node scripts/template-releases.mjs [<output .git folder>]   (default .cache/template-releases.git)
//
// Each release commit holds templates/ as it was at the commit releases.yaml names; the
// current version of each template (templates/<name>.yaml) is released from the working
// tree. This is what a platform team's template repository looks like with a tag per
// release; the dev instance and the tests read it through
// pavedRoad.templateUpgrades.releases.gitRepository. The output is rebuilt from scratch.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(
  process.argv[2] ?? path.join(root, '.cache', 'template-releases.git'),
);
const env = { ...process.env };
for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE'])
  delete env[key];
const git = (args, options = {}) =>
  execFileSync('git', args, {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    ...options,
    env: { ...env, ...options.env },
  }).trim();

const manifest = yaml.parse(
  fs.readFileSync(path.join(root, 'templates', 'releases.yaml'), 'utf8'),
);
const current = {};
for (const file of fs.readdirSync(path.join(root, 'templates'))) {
  if (!file.endsWith('.yaml') || file === 'releases.yaml') continue;
  const doc = yaml.parse(
    fs.readFileSync(path.join(root, 'templates', file), 'utf8'),
  );
  const version = doc?.metadata?.annotations?.['backstage.io/template-version'];
  if (doc?.kind !== 'Template' || !version) continue; // not a released golden path
  current[doc.metadata.name] = version;
}

// The sources: commits named in releases.yaml (oldest first), then the working tree.
const sources = new Map();
for (const [name, versions] of Object.entries(manifest)) {
  for (const [version, commit] of Object.entries(versions)) {
    if (current[name] === version) continue; // the working tree is that release
    let date;
    try {
      date = git([
        '-C',
        root,
        'log',
        '-1',
        '--format=%cI',
        `${commit}^{commit}`,
      ]);
    } catch {
      console.error(
        `templates/releases.yaml: ${name} ${version} names commit ${commit}, which this clone does not have (a shallow clone? run: git fetch --unshallow)`,
      );
      process.exit(1);
    }
    const source = sources.get(commit) ?? { commit, date, tags: [] };
    source.tags.push(`${name}-v${version}`);
    sources.set(commit, source);
  }
}
const ordered = [...sources.values()].sort((a, b) =>
  a.date.localeCompare(b.date),
);
ordered.push({
  commit: undefined,
  date: new Date().toISOString(),
  tags: Object.entries(current).map(([name, version]) => `${name}-v${version}`),
});

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.dirname(out), { recursive: true });
git(['init', '--quiet', '--bare', '--initial-branch', 'main', out]);
const identity = date => ({
  GIT_AUTHOR_NAME: 'Paved Road releases',
  GIT_AUTHOR_EMAIL: 'releases@paved-road.local',
  GIT_COMMITTER_NAME: 'Paved Road releases',
  GIT_COMMITTER_EMAIL: 'releases@paved-road.local',
  GIT_AUTHOR_DATE: date,
  GIT_COMMITTER_DATE: date,
});

let parent;
for (const [index, source] of ordered.entries()) {
  let tree;
  if (source.commit) {
    // Copy the commit's objects over without touching this repository's refs.
    git([
      '-C',
      root,
      'push',
      '--quiet',
      out,
      `${source.commit}:refs/sources/${index}`,
    ]);
    tree = git(['--git-dir', out, 'rev-parse', `${source.commit}:templates`]);
  } else {
    // The working tree's templates/ (tracked and untracked, not ignored) into the output.
    const files = git([
      '-C',
      root,
      'ls-files',
      '-z',
      '--cached',
      '--others',
      '--exclude-standard',
      '--',
      'templates',
    ])
      .split('\0')
      .filter(f => f && fs.existsSync(path.join(root, f)));
    const index = path.join(out, 'release-index');
    const opts = { env: { GIT_INDEX_FILE: index } };
    git(
      [
        '--git-dir',
        out,
        '--work-tree',
        root,
        'add',
        '--pathspec-from-file=-',
        '--pathspec-file-nul',
      ],
      {
        ...opts,
        cwd: root,
        input: files.join('\0'),
      },
    );
    const whole = git(['--git-dir', out, 'write-tree'], opts);
    fs.rmSync(index);
    tree = git(['--git-dir', out, 'rev-parse', `${whole}:templates`]);
  }
  const message = `Release ${source.tags.join(', ')}${
    source.commit ? `\n\nFrom ${source.commit}` : ''
  }\n`;
  const commit = git(
    [
      '--git-dir',
      out,
      'commit-tree',
      tree,
      ...(parent ? ['-p', parent] : []),
      '-F',
      '-',
    ],
    { input: message, env: identity(source.date) },
  );
  for (const tag of source.tags) {
    git(['--git-dir', out, 'tag', '-a', tag, '-m', `Release ${tag}`, commit], {
      env: identity(source.date),
    });
  }
  parent = commit;
}
git(['--git-dir', out, 'update-ref', 'refs/heads/main', parent]);
for (const ref of git([
  '--git-dir',
  out,
  'for-each-ref',
  '--format=%(refname)',
  'refs/sources',
]).split('\n')) {
  if (ref) git(['--git-dir', out, 'update-ref', '-d', ref]);
}
const tags = git(['--git-dir', out, 'tag', '--list']).split('\n');
console.log(`${out}: ${tags.length} releases (${tags.join(', ')})`);
