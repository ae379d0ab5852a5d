import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import yaml from 'yaml';
import { readScorecardDefinitions } from './definitions';
import { compileScorecards } from './evaluator';

// The root README's scorecard example must stay a valid definition.
it('the README example scorecard loads and compiles', async () => {
  const readme = fs.readFileSync(
    require.resolve('../../../../README.md'),
    'utf8',
  );
  const block = /```yaml\n(pavedRoad:\n {2}scorecards:[\s\S]*?)```/.exec(
    readme,
  )?.[1];
  expect(block).toBeDefined();
  const definitions = await readScorecardDefinitions(
    new ConfigReader({
      ...yaml.parse(block!),
      pavedRoad: { ...yaml.parse(block!).pavedRoad, defaultScorecards: false },
    }),
  );
  expect(definitions.map(d => d.id)).toEqual(['runtime-hygiene']);
  expect(() => compileScorecards(definitions)).not.toThrow();
});
