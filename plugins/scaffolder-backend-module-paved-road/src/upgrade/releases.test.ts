import { ConfigReader } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import type { FileTree } from './merge';
import {
  GitRepositoryReleases,
  UrlReaderReleases,
  locateTemplate,
  releaseTag,
  releasesFromConfig,
  upgradeNotesBetween,
} from './releases';
import { buildReleases } from './__testUtils__/upgradeHarness';

jest.setTimeout(60_000);

const tree = (files: Record<string, string>): FileTree =>
  new Map(
    Object.entries(files).map(([p, c]) => [p, { content: Buffer.from(c) }]),
  );

const template = (name: string, notes?: string) =>
  `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ${name}\n${
    notes ? `  annotations:\n    paved-road.io/upgrade-notes: ${notes}\n` : ''
  }spec: {}\n`;

describe('template releases', () => {
  it('names tags by the pattern', () => {
    expect(releaseTag('{template}-v{version}', 'api-service', '2.5.0')).toBe(
      'api-service-v2.5.0',
    );
    expect(releaseTag('releases/{template}/{version}', 'worker', '1.6.0')).toBe(
      'releases/worker/1.6.0',
    );
  });

  it('finds the template in either layout, with the files below its folder', () => {
    const flat = locateTemplate(
      tree({
        'api-service.yaml': template(
          'api-service',
          'api-service/docs/notes.md',
        ),
        'api-service/docs/notes.md': '## 2.5.0\n',
        'worker.yaml': template('worker'),
        'shared/base/x': 'x',
      }),
      'api-service',
      'here',
    );
    expect([...flat.files.keys()].sort()).toEqual([
      'api-service.yaml',
      'api-service/docs/notes.md',
      'shared/base/x',
      'worker.yaml',
    ]);
    expect(flat.upgradeNotes).toBe('## 2.5.0\n');
    const nested = locateTemplate(
      tree({
        'api-service/template.yaml': template('api-service'),
        'api-service/skeleton/a': 'a',
        'worker/template.yaml': template('worker'),
      }),
      'api-service',
      'here',
    );
    expect([...nested.files.keys()].sort()).toEqual([
      'skeleton/a',
      'template.yaml',
    ]);
    expect(() =>
      locateTemplate(tree({ 'a.yaml': 'kind: Component' }), 'x', 'tag y'),
    ).toThrow("tag y has no Template named 'x'");
  });

  it('picks the upgrade notes between two versions', () => {
    const notes =
      '# Upgrade notes\n\nintro\n\n## 2.5.0\n\nfive\n\n## 2.4.0\n\nfour\n\n## 2.3.0\n\nthree\n';
    expect(upgradeNotesBetween(notes, '2.3.0', '2.5.0')).toBe(
      '## 2.5.0\n\nfive\n\n## 2.4.0\n\nfour',
    );
    expect(upgradeNotesBetween(notes, '2.4.0', '2.4.0')).toBe('');
    expect(upgradeNotesBetween(undefined, '1.0.0', '2.0.0')).toBe('');
  });

  it('reads releases from a local repository, naming a missing tag', async () => {
    const gitDir = await buildReleases();
    const releases = new GitRepositoryReleases({ gitDir });
    const old = await releases.read('api-service', '2.3.0');
    expect(
      old.template.metadata.annotations['backstage.io/template-version'],
    ).toBe('2.3.0');
    expect(old.files.has('template.yaml')).toBe(true); // the layout of that release
    // A second read of the same release is served from the tree already read.
    const again = await releases.read('api-service', '2.3.0');
    expect(again.files.get('template.yaml')).toBe(
      old.files.get('template.yaml'),
    );
    const current = await releases.read('worker', '1.5.0');
    expect(current.files.has('worker.yaml')).toBe(true);
    expect(current.upgradeNotes).toMatch(/^# Upgrade notes/);
    await expect(releases.read('worker', '0.0.1')).rejects.toThrow(
      `worker 0.0.1 is not released: the template repository ${gitDir} has no tag 'worker-v0.0.1'`,
    );
  });

  it('reads releases through a URL reader, with the tag in the URL', async () => {
    const asked: string[] = [];
    const reader = {
      async readTree(url: string) {
        asked.push(url);
        if (url.includes('v9.9.9')) throw new NotFoundError('no such ref');
        return {
          files: async () => [
            {
              path: 'worker.yaml',
              content: async () => Buffer.from(template('worker')),
            },
          ],
        };
      },
    } as unknown as UrlReaderService;
    const releases = new UrlReaderReleases({
      reader,
      url: 'https://github.com/acme/golden-paths/tree/{tag}/templates',
    });
    expect(releases.where).toBe('https://github.com/acme/golden-paths');
    const release = await releases.read('worker', '1.6.0');
    expect(release.tag).toBe('worker-v1.6.0');
    await expect(releases.read('worker', '9.9.9')).rejects.toThrow(
      "worker 9.9.9 is not released: https://github.com/acme/golden-paths/tree/worker-v9.9.9/templates does not exist (no tag 'worker-v9.9.9')",
    );
    expect(asked).toEqual([
      'https://github.com/acme/golden-paths/tree/worker-v1.6.0/templates',
      'https://github.com/acme/golden-paths/tree/worker-v9.9.9/templates',
    ]);
  });

  it('validates its configuration, naming the key', () => {
    const reader = {} as UrlReaderService;
    const from = (templateUpgrades: object) =>
      releasesFromConfig(
        new ConfigReader({ pavedRoad: { templateUpgrades } }),
        reader,
      );
    expect(releasesFromConfig(new ConfigReader({}), reader)).toBeUndefined();
    expect(() => from({ releases: {} })).toThrow(
      'pavedRoad.templateUpgrades.releases needs gitRepository (a local git repository) or url (a tree URL with {tag})',
    );
    expect(() => from({ releases: { url: 'https://github.com/a/b' } })).toThrow(
      "pavedRoad.templateUpgrades.releases.url must contain {tag} where the release tag goes, got 'https://github.com/a/b'",
    );
    expect(() =>
      from({ releases: { url: 'x/{tag}', gitRepository: '/r' } }),
    ).toThrow(
      'pavedRoad.templateUpgrades.releases: set either gitRepository or url, not both',
    );
    expect(() =>
      from({ tagPattern: 'v{version}', releases: { gitRepository: '/r' } }),
    ).toThrow(
      "pavedRoad.templateUpgrades.tagPattern must contain {template} and {version}, got 'v{version}'",
    );
    expect(from({ releases: { gitRepository: '/r' } })).toBeInstanceOf(
      GitRepositoryReleases,
    );
  });
});
