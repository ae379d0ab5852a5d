// What the install test does to a freshly generated app before the README's steps: make
// it installable with npm (Yarn, which create-app sets up, cannot install on our machines;
// see the README's Toolchain notes), point the `@paved-road` scope at the local registry,
// and merge YAML into its app-config.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

const readJson = file => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/**
 * The changes the README's Toolchain notes list for installing a Backstage app with npm
 * workspaces, and the local registry for `@paved-road/*`.
 */
export function useNpm(appDir, { registryUrl, allowScripts, installBefore }) {
  const rootFile = join(appDir, 'package.json');
  const root = readJson(rootFile);
  delete root.packageManager;
  root.overrides = {
    ...(root.resolutions ?? {}),
    '@yarnpkg/core': '4.9.1',
  };
  delete root.resolutions;
  root.allowScripts = allowScripts;
  // npm would hoist the React 17 of @backstage/cli's `ink` to the root, into the app.
  root.devDependencies = {
    ...root.devDependencies,
    react: '^18.3.1',
    'react-dom': '^18.3.1',
  };
  writeJson(rootFile, root);

  const backendFile = join(appDir, 'packages/backend/package.json');
  const backend = readJson(backendFile);
  if (backend.dependencies.app?.startsWith('link:')) {
    backend.dependencies.app = '*';
  }
  writeJson(backendFile, backend);

  writeFileSync(
    join(appDir, '.npmrc'),
    [
      'legacy-peer-deps=true',
      // Versions as they were when the release came out, as the release's yarn.lock seed
      // (which create-app fetches, and cannot here) pins them.
      `before=${installBefore}`,
      `@paved-road:registry=${registryUrl}/`,
      // The apps share the npm cache; revalidating every cached package is slow.
      'prefer-offline=true',
      'audit=false',
      'fund=false',
      '',
    ].join('\n'),
  );
}

/**
 * `yarn --cwd <dir> add <packages>` as npm runs it in a workspace; other lines unchanged.
 */
export function asNpm(line) {
  const add = /^yarn --cwd (\S+) add (.+)$/.exec(line.trim());
  if (add) return `npm install --workspace ${add[1]} ${add[2]}`;
  if (/^yarn\b/.test(line.trim())) {
    throw new Error(
      `'${line}' is a Yarn command the install test cannot translate to npm`,
    );
  }
  return line;
}

function mergeNode(doc, path, value) {
  const existing = path.length ? doc.getIn(path, true) : doc.contents;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (!YAML.isMap(existing)) {
      doc.setIn(path, doc.createNode(value));
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      mergeNode(doc, [...path, key], child);
    }
  } else if (Array.isArray(value) && YAML.isSeq(existing)) {
    for (const item of value) doc.addIn(path, doc.createNode(item));
  } else {
    doc.setIn(path, doc.createNode(value));
  }
}

/**
 * Merges a YAML block into a config file as a person would: maps merged key by key, lists
 * extended, comments kept.
 */
export function mergeYaml(file, block) {
  const doc = YAML.parseDocument(readFileSync(file, 'utf8'));
  mergeNode(doc, [], YAML.parse(block));
  writeFileSync(file, doc.toString());
}
