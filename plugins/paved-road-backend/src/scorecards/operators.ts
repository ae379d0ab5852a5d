import { RE2JS } from 're2js';
import semver from 'semver';

/**
 * A value operator the rule language adds to Backstage's filter predicates, used as
 * `{ "<path>": { "<name>": <operand> } }`.
 *
 * @public
 */
export interface ScorecardRuleOperator<TOperand = any> {
  /** The key, starting with `$`. */
  name: `$${string}`;
  /**
   * Checks the operand when definitions load and prepares it (a parsed version, a
   * compiled pattern). Throws an `Error` whose message says what is wrong.
   */
  prepare(operand: unknown): TOperand;
  /** Whether the value at the path (`undefined` when absent) satisfies the operator. */
  test(value: unknown, operand: TOperand): boolean;
}

const show = (value: unknown) => JSON.stringify(value) ?? String(value);

/** The longest pattern `$matches` accepts, in characters. */
export const MAX_PATTERN_LENGTH = 1000;

/**
 * Compiles a `$matches` pattern with RE2 semantics (`re2js`), which matches in time
 * linear in the input whatever the pattern: no backtracking, so a pattern such as
 * `^(a+)+$` cannot block the backend. The syntax is JavaScript's without what needs
 * backtracking (backreferences, lookahead, lookbehind); those are refused with a message
 * saying so.
 */
function compilePattern(operand: string): RE2JS {
  if (operand.length > MAX_PATTERN_LENGTH) {
    throw new Error(
      `'$matches' patterns are at most ${MAX_PATTERN_LENGTH} characters, got ${operand.length}`,
    );
  }
  try {
    return RE2JS.compile(operand);
  } catch (error) {
    const unsupported = /\\[1-9]|\(\?<?[=!]/.test(operand)
      ? ' (backreferences, lookahead and lookbehind are not supported: patterns match in linear time, with RE2 syntax)'
      : '';
    throw new Error(
      `'$matches' has an invalid regular expression ${show(operand)}: ${
        (error as Error).message
      }${unsupported}`,
    );
  }
}

/** Numbers, and strings that hold one (annotations are strings), compare as numbers. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return NaN;
}

/** Accepts a leading `v`, like the provenance annotations do. */
function toVersion(value: unknown): semver.SemVer | null {
  if (typeof value !== 'string') return null;
  return semver.parse(value.trim().replace(/^v/, ''));
}

function numberOperator(
  name: `$${string}`,
  compare: (value: number, operand: number) => boolean,
): ScorecardRuleOperator<number> {
  return {
    name,
    prepare(operand) {
      if (typeof operand !== 'number' || !Number.isFinite(operand)) {
        throw new Error(`'${name}' expects a number, got ${show(operand)}`);
      }
      return operand;
    },
    test: (value, operand) => compare(toNumber(value), operand),
  };
}

function semverOperator(
  name: `$${string}`,
  accept: (order: number) => boolean,
): ScorecardRuleOperator<semver.SemVer> {
  return {
    name,
    prepare(operand) {
      const version = toVersion(operand);
      if (!version) {
        throw new Error(
          `'${name}' expects a semantic version such as 2.3.0, got ${show(
            operand,
          )}`,
        );
      }
      return version;
    },
    test(value, operand) {
      const version = toVersion(value);
      return version !== null && accept(semver.compare(version, operand));
    },
  };
}

/**
 * The operators scorecards add to Backstage's filter predicates: number comparison,
 * semantic-version comparison and ranges, and regular expressions (RE2 syntax, matched in
 * linear time). A value of the wrong
 * type (a word where a number is expected, an invalid version) does not match.
 *
 * @public
 */
export const builtinScorecardOperators: ReadonlyArray<ScorecardRuleOperator> = [
  numberOperator('$gt', (v, o) => v > o),
  numberOperator('$gte', (v, o) => v >= o),
  numberOperator('$lt', (v, o) => v < o),
  numberOperator('$lte', (v, o) => v <= o),
  semverOperator('$semverGt', order => order > 0),
  semverOperator('$semverGte', order => order >= 0),
  semverOperator('$semverLt', order => order < 0),
  semverOperator('$semverLte', order => order <= 0),
  {
    name: '$semverSatisfies',
    prepare(operand) {
      const range =
        typeof operand === 'string' ? semver.validRange(operand) : null;
      if (!range) {
        throw new Error(
          `'$semverSatisfies' expects a semver range such as ^2.2.0, got ${show(
            operand,
          )}`,
        );
      }
      return range;
    },
    test(value, range: string) {
      const version = toVersion(value);
      return version !== null && semver.satisfies(version, range);
    },
  },
  {
    name: '$matches',
    prepare(operand) {
      if (typeof operand !== 'string') {
        throw new Error(
          `'$matches' expects a regular expression as a string, got ${show(
            operand,
          )}`,
        );
      }
      return compilePattern(operand);
    },
    test(value, pattern: RE2JS) {
      if (typeof value !== 'string' && typeof value !== 'number') {
        return false;
      }
      return pattern.test(String(value));
    },
  },
];
