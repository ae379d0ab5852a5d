// A minimal npm registry serving the bundle's packed tarballs, so a generated app installs
// `@paved-road/*` with the README's own lines (`yarn add @paved-road/backstage-plugin`,
// here run by npm) as it would from npmjs.com once they are published. The app points
// only the `@paved-road` scope here (`@paved-road:registry=` in its .npmrc); everything
// else still comes from the usual registry.
//
//   import { startRegistry } from './registry.mjs';
//   const registry = await startRegistry('dist-packs/packs.json'); // { url, close() }
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename } from 'node:path';

const EPOCH = '2000-01-01T00:00:00.000Z';

/** The packument npm reads for one package: one version, its tarball and hashes. */
function packument(name, tarball, baseUrl) {
  const bytes = readFileSync(tarball);
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  if (manifest.name !== name) {
    throw new Error(`${tarball} holds ${manifest.name}, not ${name}`);
  }
  const file = basename(tarball);
  return {
    file,
    bytes,
    body: {
      name,
      'dist-tags': { latest: manifest.version },
      // Dated long ago, so an app installed with npm's `before` (the install test's
      // stand-in for a lockfile made at its release) still sees them.
      time: {
        created: EPOCH,
        modified: EPOCH,
        [manifest.version]: EPOCH,
      },
      versions: {
        [manifest.version]: {
          ...manifest,
          _id: `${name}@${manifest.version}`,
          dist: {
            tarball: `${baseUrl}/-/${file}`,
            shasum: createHash('sha1').update(bytes).digest('hex'),
            integrity: `sha512-${createHash('sha512')
              .update(bytes)
              .digest('base64')}`,
          },
        },
      },
    },
  };
}

/**
 * Serves the tarballs listed in a packs.json (`{ "<name>": { "tarball": "<path>" } }`)
 * on a free port of 127.0.0.1.
 */
export async function startRegistry(packsJson) {
  const packs = JSON.parse(readFileSync(packsJson, 'utf8'));
  const server = createServer();
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const byName = new Map();
  const byFile = new Map();
  for (const [name, { tarball }] of Object.entries(packs)) {
    const entry = packument(name, tarball, url);
    byName.set(name, entry);
    byFile.set(entry.file, entry);
  }
  server.on('request', (req, res) => {
    const path = decodeURIComponent(req.url.split('?')[0]).slice(1);
    const tarball = path.startsWith('-/') && byFile.get(path.slice(2));
    if (tarball) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(tarball.bytes);
      return;
    }
    const entry = byName.get(path);
    if (entry) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(entry.body));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `${path} is not served here` }));
  });
  return {
    url,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}
