import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import yaml from 'yaml';
import { readScorecardDefinitions } from '../scorecards/definitions';
import { readConfiguredCampaigns } from './configuredCampaigns';

const read = (file: string) =>
  fs.readFileSync(require.resolve(`../../../../${file}`), 'utf8');

// The campaigns of the dev instance's app-config.yaml and of the README's example are
// valid against the shipped scorecards.
it.each([
  ['app-config.yaml', () => yaml.parse(read('app-config.yaml'))],
  [
    'README.md',
    () =>
      yaml.parse(
        /```yaml\n(pavedRoad:\n {2}campaigns:[\s\S]*?)```/.exec(
          read('README.md'),
        )![1],
      ),
  ],
])('the campaigns of %s are valid', async (_, load) => {
  const config = new ConfigReader({ pavedRoad: load().pavedRoad });
  const definitions = await readScorecardDefinitions(config);
  const campaigns = readConfiguredCampaigns(config, {
    scorecards: () => definitions,
  });
  expect(campaigns.map(c => [c.id, c.source, c.declaredAt])).toEqual([
    ['startup-probes', 'config', 'pavedRoad.campaigns[0]'],
  ]);
});

it('names a list that is not one', () => {
  expect(() =>
    readConfiguredCampaigns(
      new ConfigReader({ pavedRoad: { campaigns: { id: 'x' } } }),
      { scorecards: () => [] },
    ),
  ).toThrow(
    'Invalid campaign in app-config at pavedRoad.campaigns: must be a list',
  );
});
