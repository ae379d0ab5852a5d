import { ScorecardDefinition } from '@paved-road/backstage-plugin-common';
import { campaignSchema } from './campaignSchema';

const docs: ScorecardDefinition = {
  id: 'docs',
  title: 'Docs',
  description: 'Documented.',
  levels: [{ id: 'ok', title: 'OK' }],
  checks: [
    {
      id: 'readme',
      title: 'README',
      description: 'Has a README.',
      level: 'ok',
      rule: { 'repository.readme': true },
      remediation: { markdown: 'Add one.' },
    },
  ],
};

const campaign = {
  id: 'readmes',
  title: 'READMEs',
  description: '',
  owner: 'platform',
  goal: { type: 'checks', scorecard: 'docs', checks: ['readme'] },
  startsOn: '2026-12-01',
  deadline: '2026-12-01',
};

describe('campaignSchema', () => {
  const schema = campaignSchema({ scorecards: () => [docs] });

  it('normalises refs and defaults the scope', () => {
    expect(schema.parse(campaign)).toEqual({
      ...campaign,
      owner: 'group:default/platform',
      scope: {},
    });
  });

  it('names each offending field', () => {
    const issues = (value: object) =>
      schema
        .safeParse({ ...campaign, ...value })
        .error?.issues.map(i => [i.path.join('.'), i.message]);
    expect(
      issues({
        goal: {
          type: 'checks',
          scorecard: 'docs',
          checks: ['readme', 'readme'],
        },
        startsOn: '2027-02-30',
      }),
    ).toEqual([
      ['goal.checks.1', "names check 'readme' twice"],
      [
        'startsOn',
        "must be a date YYYY-MM-DD that exists, from 2000-01-01 to 2100-12-31, got '2027-02-30'",
      ],
    ]);
    expect(
      issues({ goal: { type: 'template-version', scorecard: 'docs' } }),
    ).toEqual([
      [
        'goal.scorecard',
        'is not allowed in a template-version goal (it has template and range)',
      ],
      ['goal.template', 'is required for a template-version goal'],
      ['goal.range', 'is required for a template-version goal'],
    ]);
  });
});
