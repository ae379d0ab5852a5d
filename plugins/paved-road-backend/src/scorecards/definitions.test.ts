import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readScorecardDefinitions } from './definitions';

const valid = (id: string) => ({
  id,
  title: 'Team basics',
  description: 'Checks a team cares about',
  levels: [
    { id: 'bronze', title: 'Bronze' },
    { id: 'silver', title: 'Silver' },
  ],
  checks: [
    {
      id: 'owner',
      title: 'Owner',
      description: 'Has an owner',
      level: 'bronze',
      rule: { 'entity.owner': { $exists: true } },
      remediation: { markdown: 'Set spec.owner.', link: '/catalog' },
    },
    {
      id: 'version',
      title: 'Version',
      description: 'Recent template',
      level: 'silver',
      rule: { 'provenance.templateVersion': { $semverGte: '2.0.0' } },
      remediation: { markdown: 'Upgrade.' },
    },
  ],
});

const withCheck = (id: string, patch: Record<string, unknown>) => {
  const scorecard = valid(id);
  return {
    ...scorecard,
    checks: [scorecard.checks[0], { ...scorecard.checks[1], ...patch }],
  };
};

const dir = createMockDirectory();

const read = (pavedRoad: Record<string, unknown>) =>
  readScorecardDefinitions(new ConfigReader({ pavedRoad } as JsonObject), {
    workingDirectory: dir.path,
  });

const noDefaults = (scorecards: unknown[]) =>
  read({ defaultScorecards: false, scorecards });

describe('readScorecardDefinitions', () => {
  beforeEach(() => dir.clear());

  it('loads the shipped scorecards by default', async () => {
    const definitions = await read({});
    expect(definitions.map(d => d.id)).toEqual([
      'documentation-first',
      'golden-path-adoption',
      'platform-asset',
      'production-readiness',
    ]);
    for (const definition of definitions) {
      expect(definition.levels.map(l => l.id)).toEqual([
        'bronze',
        'silver',
        'gold',
      ]);
    }
  });

  it('reads app-config and files relative to the working directory', async () => {
    dir.setContent({
      'scorecards/one.yaml': JSON.stringify(valid('from-file')),
      'scorecards/many.yaml': JSON.stringify([valid('a'), valid('b')]),
    });
    const definitions = await read({
      defaultScorecards: false,
      scorecards: [valid('inline')],
      scorecardFiles: ['scorecards/one.yaml', 'scorecards/many.yaml'],
    });
    expect(definitions.map(d => d.id)).toEqual([
      'inline',
      'from-file',
      'a',
      'b',
    ]);
    expect(definitions[0]).toEqual(valid('inline'));
  });

  it.each([
    [
      'an unknown operator',
      [valid('a'), withCheck('b', { rule: { $foo: 1 } })],
      "Invalid scorecard in app-config at pavedRoad.scorecards[1].checks[1].rule: unknown operator '$foo'",
    ],
    [
      'an unknown operator on a path',
      [withCheck('a', { rule: { $all: [{ 'entity.kind': { $foo: 1 } }] } })],
      "Invalid scorecard in app-config at pavedRoad.scorecards[0].checks[1].rule.$all[0]['entity.kind']: unknown operator '$foo'",
    ],
    [
      'an invalid regular expression',
      [withCheck('a', { rule: { 'entity.type': { $matches: '[a-' } } })],
      `Invalid scorecard in app-config at pavedRoad.scorecards[0].checks[1].rule['entity.type'].$matches: '$matches' has an invalid regular expression "[a-": error parsing regexp: missing closing ]: \`[a-\``,
    ],
    [
      'an invalid semantic version',
      [
        withCheck('a', {
          rule: { 'provenance.templateVersion': { $semverGte: 'two' } },
        }),
      ],
      `Invalid scorecard in app-config at pavedRoad.scorecards[0].checks[1].rule['provenance.templateVersion'].$semverGte: '$semverGte' expects a semantic version such as 2.3.0, got "two"`,
    ],
    [
      'a check on a level that does not exist',
      [withCheck('a', { level: 'platinum' })],
      "Invalid scorecard in app-config at pavedRoad.scorecards[0].checks[1].level: unknown level 'platinum' (levels: bronze, silver)",
    ],
    [
      'a duplicate check id',
      [withCheck('a', { id: 'owner' })],
      "Invalid scorecard in app-config at pavedRoad.scorecards[0].checks[1].id: duplicate check id 'owner'",
    ],
    [
      'a duplicate level id',
      [
        {
          ...valid('a'),
          levels: [
            { id: 'bronze', title: 'Bronze' },
            { id: 'bronze', title: 'Again' },
            { id: 'silver', title: 'Silver' },
          ],
        },
      ],
      "Invalid scorecard in app-config at pavedRoad.scorecards[0].levels[1].id: duplicate level id 'bronze'",
    ],
    [
      'empty levels',
      [{ ...valid('a'), levels: [] }],
      'Invalid scorecard in app-config at pavedRoad.scorecards[0].levels: a scorecard needs at least one level',
    ],
    [
      'a duplicate scorecard id',
      [valid('a'), valid('b'), valid('a')],
      "Invalid scorecard in app-config at pavedRoad.scorecards[2].id: duplicate scorecard id 'a', also defined in app-config",
    ],
    [
      'a missing field',
      [{ ...valid('a'), title: undefined }],
      'Invalid scorecard in app-config at pavedRoad.scorecards[0].title: Invalid input: expected string, received undefined',
    ],
    [
      'an unknown field',
      [{ ...valid('a'), rules: [] }],
      'Invalid scorecard in app-config at pavedRoad.scorecards[0]: Unrecognized key: "rules"',
    ],
    [
      'a bad id',
      [{ ...valid('a'), id: 'Team Basics' }],
      'Invalid scorecard in app-config at pavedRoad.scorecards[0].id: must be lower-case letters and digits separated by dashes',
    ],
    [
      'a rule that is not an object',
      [withCheck('a', { rule: 'entity.kind' })],
      'Invalid scorecard in app-config at pavedRoad.scorecards[0].checks[1].rule: must be an object of fact paths, or $all, $any or $not',
    ],
    [
      'an invalid appliesTo',
      [{ ...valid('a'), appliesTo: { 'entity.kind': { $in: 'Component' } } }],
      "Invalid scorecard in app-config at pavedRoad.scorecards[0].appliesTo['entity.kind'].$in: expected a list of strings, numbers or booleans",
    ],
  ])('rejects %s, naming the key', async (_, scorecards, message) => {
    await expect(noDefaults(scorecards)).rejects.toThrow(
      expect.objectContaining({ name: 'InputError', message }),
    );
  });

  it('reports every problem of a definition, one per line', async () => {
    await expect(
      noDefaults([{ ...withCheck('a', { level: 'gold' }), levels: [] }]),
    ).rejects.toThrow(
      'Invalid scorecard in app-config at pavedRoad.scorecards[0].levels: a scorecard needs at least one level',
    );
    await expect(
      noDefaults([withCheck('a', { level: 'gold', rule: { $x: 1 } })]),
    ).rejects.toThrow(
      [
        "Invalid scorecard in app-config at pavedRoad.scorecards[0].checks[1].level: unknown level 'gold' (levels: bronze, silver)",
        "Invalid scorecard in app-config at pavedRoad.scorecards[0].checks[1].rule: unknown operator '$x'",
      ].join('\n'),
    );
  });

  it('names the file and the key inside it', async () => {
    dir.setContent({
      'one.yaml': JSON.stringify(withCheck('x', { rule: { $foo: 1 } })),
      'many.yaml': JSON.stringify([valid('a'), { ...valid('b'), levels: [] }]),
      'broken.yaml': 'id: [unclosed',
    });
    await expect(read({ scorecardFiles: ['one.yaml'] })).rejects.toThrow(
      "Invalid scorecard in one.yaml at checks[1].rule: unknown operator '$foo'",
    );
    await expect(read({ scorecardFiles: ['many.yaml'] })).rejects.toThrow(
      'Invalid scorecard in many.yaml at [1].levels: a scorecard needs at least one level',
    );
    await expect(read({ scorecardFiles: ['broken.yaml'] })).rejects.toThrow(
      /^Invalid scorecard in broken\.yaml: not valid YAML: /,
    );
    await expect(read({ scorecardFiles: ['missing.yaml'] })).rejects.toThrow(
      /^Could not read scorecard file missing\.yaml \(.*missing\.yaml\): ENOENT/,
    );
  });

  it('refuses an id the shipped scorecards already use, and says how to replace them', async () => {
    await expect(
      read({ scorecards: [valid('platform-asset')] }),
    ).rejects.toThrow(
      "Invalid scorecard in app-config at pavedRoad.scorecards[0].id: duplicate scorecard id 'platform-asset', also defined in shipped scorecards/platform-asset.yaml (set pavedRoad.defaultScorecards: false to replace the shipped ones)",
    );
  });

  it('refuses pavedRoad.scorecards that is not a list', async () => {
    await expect(read({ scorecards: valid('a') })).rejects.toThrow(
      'Invalid scorecard in app-config at pavedRoad.scorecards: must be a list',
    );
  });
});
