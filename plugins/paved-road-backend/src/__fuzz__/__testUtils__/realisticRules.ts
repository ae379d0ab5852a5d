/**
 * Realistic rules and facts: rules in the scorecards' filter-predicate language (with
 * patterns that backtrack catastrophically), and facts as a CI pipeline pushes them.
 */
import fc from 'fast-check';
import { RawJson } from './rawJson';
import { Realistic } from './realisticValues';

/** Patterns that backtrack catastrophically over a long run of `a`s that does not match. */
const CATASTROPHIC_REGEXES = [
  '^(a+)+$',
  '(a|aa)+$',
  '^(a|a?)+$',
  '^(\\w+\\s?)*$',
  '(x+x+)+y',
  '(.*a){25}',
];

/** Invalid patterns, ones RE2 refuses, and ordinary ones. */
const OTHER_REGEXES = [
  '^main$',
  '^release/.*',
  '^([a-z]+)*!$',
  '.*',
  '',
  '(',
  '[',
  '\\1',
  '(?<=a)b',
  '(?=a)',
  'a{1000}{1000}',
  `${'a|'.repeat(400)}a`,
  'x'.repeat(1001),
  '\\p{Lu}',
  '\u0000',
];

const OPERATORS = [
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$exists',
  '$contains',
  '$hasPrefix',
  '$semverGt',
  '$semverGte',
  '$semverLt',
  '$semverLte',
  '$semverSatisfies',
  '$unknownOperator',
];

/**
 * Rules (and `appliesTo` filters) in the scorecards' filter-predicate language, over
 * the fact paths the backend's facts have; patterns mostly over string facts (pushed
 * ones among them, which may be long).
 */
export function ruleArbitrary(realistic: Realistic): fc.Arbitrary<unknown> {
  const path = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...realistic.factPaths) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '.',
        'a..b',
        '__proto__.x',
        'entity.__proto__',
        '$all',
        'x'.repeat(2000),
      ),
    },
  );
  const stringPath = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...realistic.pushedFactPaths) },
    { weight: 1, arbitrary: fc.constantFrom(...realistic.stringFactPaths) },
  );
  const operand = (operator: string): fc.Arbitrary<unknown> => {
    switch (operator) {
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        return fc.oneof(
          fc.double(),
          fc.constantFrom('5', null),
          fc.constant(new RawJson('1e309', 'the number 1e309')),
        );
      case '$in':
        return fc.array(
          fc.oneof(
            fc.constantFrom(...realistic.types, ...realistic.kinds),
            fc.integer(),
          ),
          {
            maxLength: 5,
          },
        );
      case '$exists':
        return fc.oneof(fc.boolean(), fc.constant('yes'));
      case '$semverSatisfies':
        return fc.constantFrom(
          '^2.0.0',
          '>=1.2.3 <2',
          '~1.4',
          'not a range',
          '*',
          '',
        );
      default:
        return fc.oneof(
          fc.constantFrom(...realistic.templateVersions, ...realistic.types),
          fc.integer(),
          fc.constant({}),
        );
    }
  };
  const pattern = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...CATASTROPHIC_REGEXES) },
    { weight: 1, arbitrary: fc.constantFrom(...OTHER_REGEXES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );
  const leaf = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(stringPath, pattern)
        .map(([p, re]) => Object.fromEntries([[p, { $matches: re }]])),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(path, fc.constantFrom(...OPERATORS))
        .chain(([p, op]) =>
          operand(op).map(v => Object.fromEntries([[p, { [op]: v }]])),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          path,
          fc.oneof(
            fc.boolean(),
            fc.constantFrom(...realistic.types, ...realistic.kinds),
            fc.integer(),
          ),
        )
        .map(([p, v]) => Object.fromEntries([[p, v]])),
    },
  );
  const { rule } = fc.letrec<{ rule: unknown }>(tie => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: leaf },
      {
        weight: 1,
        arbitrary: fc
          .array(tie('rule'), { minLength: 1, maxLength: 3 })
          .map(all => ({ $all: all })),
      },
      {
        weight: 1,
        arbitrary: fc
          .array(tie('rule'), { minLength: 1, maxLength: 3 })
          .map(any => ({ $any: any })),
      },
      { weight: 1, arbitrary: tie('rule').map(not => ({ $not: not })) },
    ),
  }));
  return rule;
}

/** Facts as a CI pipeline pushes them. */
export function factsArbitrary(): fc.Arbitrary<unknown> {
  return fc.dictionary(
    fc.constantFrom(
      'branch',
      'coverage',
      'passed',
      'tags',
      'scan',
      'version',
      'notes',
    ),
    fc.oneof(
      fc.constantFrom(
        'main',
        'release/2.3',
        '2.3.0',
        'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!',
      ),
      fc.integer({ min: 0, max: 100 }),
      fc.boolean(),
      fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
      fc.dictionary(
        fc.string({ maxLength: 8 }),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 4 },
      ),
    ),
    { minKeys: 1, maxKeys: 5 },
  );
}
