import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { readScorecardDefinitions } from '../scorecards/definitions';
import { readConfiguredCampaigns } from './configuredCampaigns';

const read = (file: string) =>
  fs.readFileSync(require.resolve(`../../../../${file}`), 'utf8');

// The campaigns of the dev instance's app-config.yaml and of the README's example are
// valid against the shipped scorecards.
it.each([
  [
    'app-config.yaml',
    () => yaml.parse(read('app-config.yaml')),
    ['startup-probes', 'api-service-2-5'],
  ],
  [
    'README.md',
    () =>
      yaml.parse(
        /```yaml\n(pavedRoad:\n {2}campaigns:[\s\S]*?)```/.exec(
          read('README.md'),
        )![1],
      ),
    ['startup-probes'],
  ],
])('the campaigns of %s are valid', async (_, load, ids) => {
  const config = new ConfigReader({ pavedRoad: load().pavedRoad });
  const definitions = await readScorecardDefinitions(config);
  const campaigns = await readConfiguredCampaigns(config, {
    scorecards: () => definitions,
  });
  expect(campaigns.map(c => [c.id, c.source, c.declaredAt])).toEqual(
    ids.map((id, i) => [id, 'config', `pavedRoad.campaigns[${i}]`]),
  );
});

it('names a list that is not one', async () => {
  await expect(
    readConfiguredCampaigns(
      new ConfigReader({ pavedRoad: { campaigns: { id: 'x' } } }),
      { scorecards: () => [] },
    ),
  ).rejects.toThrow(
    'Invalid campaign in app-config at pavedRoad.campaigns: must be a list',
  );
});

describe('campaigns in scorecard files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-campaigns-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const campaign = (id: string, extra: object = {}) => ({
    id,
    title: 'Docs',
    description: 'TechDocs everywhere',
    owner: 'group:default/platform',
    goal: {
      type: 'checks',
      scorecard: 'production-readiness',
      checks: ['techdocs'],
    },
    scope: {},
    startsOn: '2026-12-01',
    deadline: '2027-01-31',
    ...extra,
  });
  const write = (name: string, value: unknown) =>
    fs.writeFileSync(path.join(dir, name), yaml.stringify(value));
  const load = async (files: string[], campaigns?: object[]) => {
    const config = new ConfigReader({
      pavedRoad: {
        scorecardFiles: files,
        ...(campaigns ? { campaigns } : {}),
      },
    });
    const definitions = await readScorecardDefinitions(config, {
      workingDirectory: dir,
    });
    return {
      definitions,
      campaigns: () =>
        readConfiguredCampaigns(
          config,
          { scorecards: () => definitions },
          { workingDirectory: dir },
        ),
    };
  };

  it('reads the campaigns section beside the scorecards section, saying where each is', async () => {
    write('team.yaml', {
      scorecards: [
        {
          id: 'team-basics',
          title: 'Team basics',
          description: 'd',
          levels: [{ id: 'ok', title: 'OK' }],
          checks: [
            {
              id: 'docs',
              title: 'Docs',
              description: 'd',
              level: 'ok',
              rule: { 'entity.hasTechDocs': true },
              remediation: { markdown: 'Add docs' },
            },
          ],
        },
      ],
      campaigns: [
        campaign('team-docs', {
          goal: { type: 'level', scorecard: 'team-basics', level: 'ok' },
        }),
      ],
    });
    write('only-campaigns.yaml', { campaigns: [campaign('docs')] });
    const { definitions, campaigns } = await load(
      ['team.yaml', 'only-campaigns.yaml'],
      [campaign('in-config')],
    );
    expect(definitions.map(d => d.id)).toContain('team-basics');
    expect(
      (await campaigns()).map(c => [c.id, c.declaredIn, c.declaredAt]),
    ).toEqual([
      ['in-config', undefined, 'pavedRoad.campaigns[0]'],
      ['team-docs', 'team.yaml', 'campaigns[0]'],
      ['docs', 'only-campaigns.yaml', 'campaigns[0]'],
    ]);
  });

  it('names the file and key of a bad campaign, and duplicates across places', async () => {
    write('bad.yaml', {
      campaigns: [
        campaign('late', { deadline: '2026-01-01' }),
        campaign('in-config'),
      ],
    });
    const { campaigns } = await load(['bad.yaml'], [campaign('in-config')]);
    await expect(campaigns()).rejects.toThrow(
      [
        'Invalid campaign in bad.yaml at campaigns[0].deadline: must not be before startsOn (2026-12-01), got 2026-01-01',
        "Invalid campaign in bad.yaml at campaigns[1].id: duplicate campaign id 'in-config', also declared in app-config at pavedRoad.campaigns[0]",
      ].join('\n'),
    );
  });

  it('refuses a section that is not a list, or a key that is not a section', async () => {
    write('not-list.yaml', { campaigns: { id: 'x' } });
    await expect((await load(['not-list.yaml'])).campaigns()).rejects.toThrow(
      'Invalid campaign in not-list.yaml at campaigns: must be a list',
    );
    write('typo.yaml', { campaigns: [], scorecard: [] });
    await expect(load(['typo.yaml'])).rejects.toThrow(
      'Invalid scorecard in typo.yaml at scorecard: is not allowed: a file of sections holds scorecards and campaigns',
    );
  });
});
