import { evaluateFilterPredicate } from '@backstage/filter-predicates';
import { compileRule, ScorecardFacts } from './rules';

const facts: ScorecardFacts = {
  entity: {
    kind: 'Component',
    type: 'service',
    system: null,
    tags: ['java', 'rest'],
    annotations: {
      'backstage.io/techdocs-ref': 'dir:.',
      'paved-road.io/replicas': '3',
    },
    relations: [
      { type: 'ownedBy', targetRef: 'group:default/payments' },
      { type: 'partOf', targetRef: 'system:default/payments' },
    ],
  },
  provenance: {
    goldenPath: true,
    templateVersion: '1.10.0',
    drift: { status: 'minor', majorsBehind: 0, minorsBehind: 2 },
    escapeHatches: [{ guardrail: 'network-policy', reason: 'PAY-231' }],
  },
};

const evaluate = (
  rule: unknown,
  options: { facts?: ScorecardFacts; errors?: Record<string, string> } = {},
) =>
  compileRule(rule, { where: 'rule' }).evaluate(
    options.facts ?? facts,
    options.errors,
  );

describe('compileRule', () => {
  it.each([
    { 'entity.kind': 'component' },
    { 'entity.type': { $in: ['website', 'SERVICE'] } },
    { 'entity.annotations.backstage.io/techdocs-ref': { $exists: true } },
    { 'entity.annotations.missing': { $exists: false } },
    { 'entity.tags': { $contains: 'JAVA' } },
    { 'entity.tags': { $contains: 'go' } },
    { 'entity.relations': { $contains: { type: 'partOf' } } },
    {
      'entity.relations': {
        $contains: { targetRef: { $hasPrefix: 'GROUP:' } },
      },
    },
    { 'entity.annotations.paved-road.io/replicas': 3 },
    { 'entity.system': { $exists: true } },
    { 'provenance.drift.minorsBehind': '2' },
    { $all: [{ 'entity.kind': 'Component' }, { 'entity.type': 'worker' }] },
    { $any: [{ 'entity.kind': 'API' }, { 'entity.type': 'service' }] },
    { $not: { 'entity.kind': 'Component' } },
    { 'entity.kind': 'Component', 'provenance.goldenPath': false },
    { $all: [] },
    { $any: [] },
  ])('agrees with @backstage/filter-predicates on %j', predicate => {
    expect(evaluate(predicate)).toBe(
      evaluateFilterPredicate(predicate as any, facts),
    );
  });

  it('compares numbers, including numeric strings', () => {
    expect(evaluate({ 'provenance.drift.minorsBehind': { $lte: 1 } })).toBe(
      false,
    );
    expect(evaluate({ 'provenance.drift.minorsBehind': { $gt: 1 } })).toBe(
      true,
    );
    expect(
      evaluate({ 'provenance.drift.minorsBehind': { $gte: 2, $lt: 3 } }),
    ).toBe(true);
    expect(
      evaluate({ 'entity.annotations.paved-road.io/replicas': { $gte: 3 } }),
    ).toBe(true);
    expect(evaluate({ 'entity.type': { $gt: 0 } })).toBe(false);
    expect(evaluate({ 'entity.system': { $lt: 1 } })).toBe(false);
  });

  it('compares versions as semver, so 1.10.0 is above 1.9.0', () => {
    const version = (v: ScorecardFacts['provenance']) => ({
      facts: { provenance: { templateVersion: v } },
    });
    const gte = { 'provenance.templateVersion': { $semverGte: '1.9.0' } };
    expect(evaluate(gte, version('1.10.0'))).toBe(true);
    expect(evaluate(gte, version('v1.9.0'))).toBe(true);
    expect(evaluate(gte, version('1.8.12'))).toBe(false);
    expect(evaluate(gte, version('latest'))).toBe(false);
    expect(
      evaluate(
        { 'provenance.templateVersion': { $semverLt: '1.9.0' } },
        version('1.10.0'),
      ),
    ).toBe(false);
    expect(
      evaluate(
        { 'provenance.templateVersion': { $semverGt: '1.10.0' } },
        version('2.0.0'),
      ),
    ).toBe(true);
    expect(
      evaluate(
        { 'provenance.templateVersion': { $semverLte: '1.10.0' } },
        version('1.10.0'),
      ),
    ).toBe(true);
    expect(
      evaluate(
        { 'provenance.templateVersion': { $semverSatisfies: '^1.9.0' } },
        version('1.10.0'),
      ),
    ).toBe(true);
    expect(
      evaluate(
        { 'provenance.templateVersion': { $semverSatisfies: '~1.9.0' } },
        version('1.10.0'),
      ),
    ).toBe(false);
  });

  it('matches regular expressions, case-sensitively', () => {
    expect(
      evaluate({ 'provenance.templateVersion': { $matches: '^1\\.1\\d\\.' } }),
    ).toBe(true);
    expect(evaluate({ 'entity.kind': { $matches: '^component$' } })).toBe(
      false,
    );
    expect(evaluate({ 'entity.system': { $matches: '.*' } })).toBe(false);
    expect(
      evaluate({
        'provenance.escapeHatches': {
          $contains: { reason: { $matches: '[A-Z]+-\\d+' } },
        },
      }),
    ).toBe(true);
  });

  it('matches in linear time, whatever the pattern', () => {
    // Exponential for a backtracking engine (a hang, failing by the test's timeout).
    const long = { pushed: { x: { s: `${'a'.repeat(50_000)}!` } } };
    const rule = compileRule(
      { 'pushed.x.s': { $matches: '^(a+)+$' } },
      { where: 'rule' },
    );
    expect(rule.evaluate(long)).toBe(false);
    expect(
      compileRule(
        { 'pushed.x.s': { $matches: '^(a|aa)+!$' } },
        { where: 'rule' },
      ).evaluate(long),
    ).toBe(true);
  });

  it('refuses rules nested deeper than 32 levels when they load', () => {
    let rule: object = { 'entity.kind': 'Component' };
    for (let i = 0; i < 31; i++) rule = { $not: rule };
    expect(() => compileRule(rule, { where: 'rule' })).not.toThrow();
    expect(() => compileRule({ $not: rule }, { where: 'rule' })).toThrow(
      /rules nest at most 32 levels deep/,
    );
  });

  it('is unknown when a fact source is missing or failed, false when a fact is absent', () => {
    const rule = { 'repository.ci.present': true };
    expect(evaluate(rule)).toBeUndefined();
    expect(
      evaluate(rule, { facts: { ...facts, repository: null } }),
    ).toBeUndefined();
    expect(
      evaluate(rule, {
        facts: { ...facts, repository: { ci: { present: true } } },
        errors: { repository: 'GitHub answered 502' },
      }),
    ).toBeUndefined();
    expect(
      evaluate(rule, { facts: { ...facts, repository: { ci: null } } }),
    ).toBe(false);
    expect(
      evaluate({ 'entity.annotations.github.com/project-slug': true }),
    ).toBe(false);
  });

  it('combines unknowns with three-valued logic', () => {
    const unknown = { 'repository.ci.present': true };
    const yes = { 'entity.kind': 'Component' };
    const no = { 'entity.kind': 'API' };
    expect(evaluate({ $all: [yes, unknown] })).toBeUndefined();
    expect(evaluate({ $all: [no, unknown] })).toBe(false);
    expect(evaluate({ $any: [yes, unknown] })).toBe(true);
    expect(evaluate({ $any: [no, unknown] })).toBeUndefined();
    expect(evaluate({ $not: unknown })).toBeUndefined();
    expect(evaluate({ ...yes, ...unknown })).toBeUndefined();
    expect(evaluate({ ...no, ...unknown })).toBe(false);
  });

  it('lists the fact sources a rule reads', () => {
    expect(
      compileRule(
        {
          $any: [
            { 'entity.kind': 'x' },
            { 'repository.ci.stages': { $contains: { 'x.y': 1 } } },
          ],
        },
        { where: 'rule' },
      ).sources,
    ).toEqual(['entity', 'repository']);
  });

  it('takes operators from modules', () => {
    const rule = compileRule(
      { 'entity.tags': { $size: 2 } },
      {
        where: 'rule',
        operators: [
          {
            name: '$size',
            prepare: operand => Number(operand),
            test: (value, size) =>
              Array.isArray(value) && value.length === size,
          },
        ],
      },
    );
    expect(rule.evaluate(facts)).toBe(true);
  });

  it.each([
    [
      { 'entity.kind': { $foo: 1 } },
      "rule['entity.kind']: unknown operator '$foo'",
    ],
    [{ $foo: 1 }, "rule: unknown operator '$foo'"],
    [
      { $all: [{ 'entity.kind': 'x' }, { $bar: [] }] },
      "rule.$all[1]: unknown operator '$bar'",
    ],
    [
      { $exists: true },
      `rule: operator '$exists' must be applied to a path, e.g. { "entity.type": { "$exists": ... } }`,
    ],
    [
      { $all: [], 'entity.kind': 'x' },
      "rule: '$all' must be the only key of its object; wrap the other conditions in $all",
    ],
    [
      { $any: { a: 1 } },
      'rule.$any: expected a list of predicates, got {"a":1}',
    ],
    [
      { 'x.y': { $matches: '(' } },
      "rule['x.y'].$matches: '$matches' has an invalid regular expression \"(\": error parsing regexp: missing closing ): `(`",
    ],
    [
      { 'x.y': { $matches: '^(?=a)b' } },
      "rule['x.y'].$matches: '$matches' has an invalid regular expression \"^(?=a)b\": error parsing regexp: invalid or unsupported Perl syntax: `(?=` (backreferences, lookahead and lookbehind are not supported: patterns match in linear time, with RE2 syntax)",
    ],
    [
      { 'x.y': { $matches: '(a)\\1' } },
      "rule['x.y'].$matches: '$matches' has an invalid regular expression \"(a)\\\\1\": error parsing regexp: invalid escape sequence: `\\1` (backreferences, lookahead and lookbehind are not supported: patterns match in linear time, with RE2 syntax)",
    ],
    [
      { 'x.y': { $matches: 'a'.repeat(1001) } },
      "rule['x.y'].$matches: '$matches' patterns are at most 1000 characters, got 1001",
    ],
    [
      { 'x.y': { $semverGte: '1.2' } },
      `rule['x.y'].$semverGte: '$semverGte' expects a semantic version such as 2.3.0, got "1.2"`,
    ],
    [
      { 'x.y': { $semverSatisfies: 'soon' } },
      `rule['x.y'].$semverSatisfies: '$semverSatisfies' expects a semver range such as ^2.2.0, got "soon"`,
    ],
    [
      { 'x.y': { $gt: '3' } },
      `rule['x.y'].$gt: '$gt' expects a number, got "3"`,
    ],
    [
      { 'x.y': { $exists: 'yes' } },
      `rule['x.y'].$exists: expected true or false`,
    ],
    [
      { 'x.y': { $in: [{}] } },
      `rule['x.y'].$in: expected a list of strings, numbers or booleans`,
    ],
    [{ 'x.y': {} }, `rule['x.y']: an object of operators must not be empty`],
    [
      { 'x.y': null },
      `rule['x.y']: expected a string, number, boolean or an object of operators, got null`,
    ],
    [
      { 'x.y': { z: 1 } },
      `rule['x.y']: expected operators (keys starting with $), got 'z'; put nested fields in the path, e.g. 'a.z'`,
    ],
    [
      { 'x.y': { $contains: { 'a.b': { $matches: 5 } } } },
      `rule['x.y'].$contains['a.b'].$matches: '$matches' expects a regular expression as a string, got 5`,
    ],
    [
      'entity',
      'rule: a rule must be an object of fact paths, or $all, $any or $not; got "entity"',
    ],
    [{ $not: 'x' }, 'rule.$not: expected a predicate object, got "x"'],
  ])('rejects %j', (rule, message) => {
    expect(() => compileRule(rule, { where: 'rule' })).toThrow(
      expect.objectContaining({ name: 'InputError', message }),
    );
  });
});
