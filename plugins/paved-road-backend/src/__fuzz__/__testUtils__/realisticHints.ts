/**
 * Hints: realistic values by parameter or property name (entity refs of the catalog,
 * scorecard ids, fact paths), and what "wrong" looks like for each.
 */
import fc from 'fast-check';
import { JsonSchema } from './openApiDocument';
import { factsArbitrary, ruleArbitrary } from './realisticRules';
import {
  dateTime,
  day,
  entityRef,
  Realistic,
  wrongEntityRef,
} from './realisticValues';

/** Short text as people write it in titles and descriptions. */
const prose = fc.stringMatching(/^[A-Z][a-z]{2,12}( [a-z]{1,10}){0,4}\.?$/);

/** Days from `min` to `max`, `YYYY-MM-DD`. */
const daysBetween = (min: string, max: string) =>
  fc
    .date({
      min: new Date(`${min}T00:00:00Z`),
      max: new Date(`${max}T00:00:00Z`),
      noInvalidDate: true,
    })
    .map(d => d.toISOString().slice(0, 10));

/** A hint: realistic values for a parameter or property, and what "wrong" looks like for it. */
export interface Hint {
  /** The schema type the hint is for (`string` unless said): a body property named like a query parameter may be another thing. */
  type?: JsonSchema['type'];
  valid: fc.Arbitrary<unknown>;
  /** Values that are wrong in a way only this field can be (a ref of the wrong kind). */
  wrong?: fc.Arbitrary<unknown>;
}

/**
 * Realistic values by parameter or property name. Keys are `name` or
 * `operationId.name` (the latter wins).
 */
export function realisticHints(realistic: Realistic): Record<string, Hint> {
  const ref = (kinds?: string[], defaultKind?: string): Hint => ({
    valid: entityRef(realistic, kinds, defaultKind),
    wrong: wrongEntityRef(realistic, kinds),
  });
  const rule: Hint = {
    type: 'object',
    valid: ruleArbitrary(realistic),
    wrong: fc.constantFrom(
      [],
      'rule',
      1,
      null,
      { $all: 'x' },
      { $not: [] },
      { $foo: 1 },
    ),
  };
  const version: Hint = {
    valid: fc.constantFrom(...realistic.templateVersions),
    wrong: fc.constantFrom('2.3', 'latest', 'v', '01.2.3', '2.3.0.1', '2.3.0-'),
  };
  const scorecardId: Hint = {
    valid: fc.constantFrom(...realistic.scorecardIds),
    wrong: fc.constantFrom('unknown-scorecard', 'Golden-Path-Adoption', ''),
  };
  const campaignId: Hint = {
    valid: fc.oneof(
      {
        weight: 4,
        arbitrary: realistic.campaignIds.length
          ? fc.constantFrom(...realistic.campaignIds)
          : fc.constant('startup-probes'),
      },
      {
        weight: 1,
        arbitrary: fc
          .stringMatching(/^[a-z0-9]+(-[a-z0-9]+)*$/)
          .filter(s => s.length <= 40),
      },
    ),
    wrong: fc.constantFrom('Not An Id', '-x', 'a'.repeat(64), 'x--y'),
  };
  /** A goal of each type on the loaded scorecards and the catalog's templates. */
  const goal: Hint = {
    type: 'object',
    valid: fc.oneof(
      fc
        .constantFrom(...Object.entries(realistic.scorecards))
        .chain(([scorecard, { levels }]) =>
          fc.record({
            type: fc.constant('level'),
            scorecard: fc.constant(scorecard),
            level: fc.constantFrom(...levels),
          }),
        ),
      fc
        .constantFrom(...Object.entries(realistic.scorecards))
        .chain(([scorecard, { checks }]) =>
          fc.record({
            type: fc.constant('checks'),
            scorecard: fc.constant(scorecard),
            checks: fc.subarray(checks, { minLength: 1, maxLength: 3 }),
          }),
        ),
      fc.record({
        type: fc.constant('template-version'),
        template: entityRef(realistic, ['template'], 'template'),
        range: fc.constantFrom('>=2.0.0', '^2.3.0', '~1.4.0 || >=2', '*'),
      }),
    ),
    wrong: fc.constantFrom(
      { type: 'level', scorecard: 'production-readiness' },
      { type: 'level', scorecard: 'production-readiness', level: 'platinum' },
      { type: 'checks', scorecard: 'no-such-scorecard', checks: ['probes'] },
      { type: 'template-version', template: 'api-service', range: 'latest' },
      { type: 'template-version', template: 'user:default/amara', range: '*' },
      { type: 'checks', scorecard: 'production-readiness', level: 'gold' },
    ),
  };
  const campaignHints: Record<string, Hint> = {
    id: campaignId,
    owner: ref(['group'], 'group'),
    title: { valid: prose },
    description: { valid: prose },
    goal,
    checks: {
      type: 'array',
      valid: fc.subarray(realistic.checkIds, { minLength: 1, maxLength: 3 }),
      wrong: fc.constantFrom([], ['no-such-check'], ['probes', 'probes']),
    },
    template: ref(['template'], 'template'),
    range: {
      valid: fc.constantFrom('>=2.0.0', '^2.3.0', '~1.4.0 || >=2', '*'),
      wrong: fc.constantFrom('latest', '>=two', '2.0.0 -', '=>2'),
    },
    // Campaigns start before 2027 and end after, so most are in order (a deadline
    // before the start is one of the wrong ones).
    startsOn: { valid: daysBetween('2024-01-01', '2026-12-31') },
    deadline: {
      valid: daysBetween('2027-01-01', '2028-12-31'),
      wrong: fc.constantFrom('2023-12-31', '2027-02-29', '2027-13-01'),
    },
    filter: rule,
  };
  return {
    entityRef: ref(),
    templateRef: ref(['template'], 'template'),
    initiatedBy: ref(['user'], 'user'),
    owner: ref(['group', 'user'], 'group'),
    system: ref(['system'], 'system'),
    'GetHistory.ref': {
      valid: fc.oneof(
        { weight: 2, arbitrary: fc.constant('org') },
        { weight: 5, arbitrary: entityRef(realistic) },
      ),
      wrong: wrongEntityRef(realistic, [
        'component',
        'group',
        'system',
        'domain',
      ]),
    },
    scorecard: scorecardId,
    scorecardId,
    level: {
      valid: fc.constantFrom(...realistic.levelIds, 'none'),
      wrong: fc.constantFrom('platinum', 'NONE', ''),
    },
    kind: {
      valid: fc
        .constantFrom(...realistic.kinds)
        .chain(k => fc.constantFrom(k, k.toLowerCase(), k.toUpperCase())),
    },
    type: { valid: fc.constantFrom(...realistic.types) },
    lifecycle: { valid: fc.constantFrom(...realistic.lifecycles) },
    source: {
      valid: fc.constantFrom(...realistic.sourceIds),
      wrong: fc.constantFrom(
        'CI',
        'ci_pipeline',
        '-ci',
        'ci-',
        'a'.repeat(64),
        'pushed',
        'entity',
      ),
    },
    templateVersion: version,
    // An upgrade run (POST /upgrade-runs): versions, where the upgrade was opened, and
    // runs to read back.
    toVersion: version,
    fromVersion: version,
    'RecordUpgradeRun.url': {
      valid: fc.constantFrom(
        'https://github.com/acme/orders-api/pull/12',
        'http://git.example.com/acme/worker/-/merge_requests/3',
        'file:///srv/paved-road/repos/orders-api',
      ),
      wrong: fc.constantFrom(
        ['javascript', 'alert(1)'].join(':'),
        'ftp://x',
        '//evil.example',
        'github.com/acme/orders-api/pull/12',
        'https://github.com/acme/orders api/pull/12',
        'data:text/html,x',
      ),
    },
    branch: {
      valid: fc.constantFrom(
        'paved-road/upgrade-api-service-2.4.0',
        'main',
        'release/2.4',
      ),
      wrong: fc.constantFrom(
        'a..b',
        '-x',
        'x.lock',
        'a b',
        'x/',
        '@',
        'a@{b}',
        '.hidden',
        'a//b',
      ),
    },
    reason: { valid: prose },
    'GetUpgradeRun.id': {
      valid: fc.oneof(
        {
          weight: 4,
          arbitrary: realistic.upgradeRunIds.length
            ? fc.constantFrom(...realistic.upgradeRunIds)
            : fc.uuid(),
        },
        { weight: 1, arbitrary: fc.uuid() },
      ),
      wrong: fc.constantFrom('run-1', '0', 'not-a-uuid', ''),
    },
    hoursSaved: {
      type: 'number',
      valid: fc.oneof(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
      ),
    },
    createdAt: { valid: dateTime },
    from: { valid: day },
    to: { valid: day },
    facts: { type: 'object', valid: factsArbitrary() },
    rule,
    appliesTo: rule,
    // A scorecard or check posted for a preview: ids, levels and links as definitions have them.
    'PreviewScorecard.id': {
      valid: fc.oneof(
        fc.constantFrom(...realistic.scorecardIds, ...realistic.checkIds),
        fc
          .stringMatching(/^[a-z0-9]+(-[a-z0-9]+)*$/)
          .filter(s => s.length <= 40),
      ),
      wrong: fc.constantFrom('Not An Id', '', '-x', 'a'.repeat(300)),
    },
    'PreviewScorecard.level': { valid: fc.constantFrom(...realistic.levelIds) },
    'PreviewScorecard.levels': {
      type: 'array',
      valid: fc
        .oneof(
          { weight: 3, arbitrary: fc.constant(realistic.levelIds) },
          {
            weight: 1,
            arbitrary: fc.subarray(realistic.levelIds, { minLength: 1 }),
          },
        )
        .map(ids =>
          ids.map(id => ({ id, title: id[0].toUpperCase() + id.slice(1) })),
        ),
      wrong: fc.constantFrom(
        [],
        [
          { id: 'gold', title: 'Gold' },
          { id: 'gold', title: 'Again' },
        ],
      ),
    },
    'PreviewScorecard.link': {
      valid: fc.constantFrom(
        'https://backstage.io/docs',
        '/create',
        '/docs/default/component/orders-api',
      ),
      wrong: fc.constantFrom(
        ['javascript', 'alert(1)'].join(':'),
        'ftp://x',
        '//evil.example',
        'data:text/html,x',
      ),
    },
    'PreviewScorecard.exemptionGuardrail': {
      valid: fc.constantFrom(...realistic.guardrails, 'no-such-guardrail'),
    },
    'PreviewScorecard.title': { valid: prose },
    'PreviewScorecard.description': { valid: prose },
    'PreviewScorecard.markdown': { valid: prose },
    // Campaigns: their ids, a group owner, goals on the loaded scorecards, days (by
    // operation: a scorecard's `checks` are objects).
    ...Object.fromEntries(
      [
        'GetCampaign',
        'CreateCampaign',
        'UpdateCampaign',
        'DeleteCampaign',
        'ListCampaignEdits',
        'GetCampaignProgress',
        'ListCampaignEntities',
        'ExportCampaignEntities',
      ].flatMap(op =>
        Object.entries(campaignHints).map(([name, hint]) => [
          `${op}.${name}`,
          hint,
        ]),
      ),
    ),
    'If-None-Match': {
      valid: fc.constantFrom(...realistic.etags, '*', '"0"', 'W/"weak"'),
    },
  };
}
