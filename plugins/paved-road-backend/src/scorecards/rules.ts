import { InputError } from '@backstage/errors';
import {
  evaluateFilterPredicate,
  getJsonValueAtPath,
} from '@backstage/filter-predicates';
import { JsonValue } from '@backstage/types';
import { builtinScorecardOperators, ScorecardRuleOperator } from './operators';

/**
 * The facts about one entity, keyed by fact-source id (`entity`, `provenance`, ...).
 *
 * @public
 */
export type ScorecardFacts = Record<string, unknown>;

/**
 * A rule's outcome: `true`, `false`, or `undefined` when it depends on facts that are
 * not available.
 *
 * @internal
 */
export type RuleVerdict = boolean | undefined;

/**
 * A rule compiled once into closures, evaluated many times.
 *
 * @internal
 */
export interface CompiledRule {
  /** The fact sources the rule's paths start with. */
  sources: readonly string[];
  evaluate(
    facts: ScorecardFacts,
    sourceErrors?: Record<string, string>,
  ): RuleVerdict;
}

type Evaluate = (
  input: unknown,
  sourceErrors: Record<string, string> | undefined,
) => RuleVerdict;
type Test = (value: unknown) => boolean;
type Operators = ReadonlyMap<string, ScorecardRuleOperator>;

interface Scope {
  /** `facts` at the rule's root, where paths start with a source id; `value` in `$contains`. */
  kind: 'facts' | 'value';
  operators: Operators;
  sources: Set<string>;
  /** How many predicates enclose this one. */
  depth: number;
}

/**
 * How deep predicates may nest (`$all`, `$any`, `$not`, `$contains`): far more than a
 * readable rule needs, and bounded so compiling one cannot exhaust the stack.
 */
export const MAX_RULE_DEPTH = 32;

const LOGICAL = new Set(['$all', '$any', '$not']);
const STANDARD = new Set(['$exists', '$in', '$contains', '$hasPrefix']);

const defaultOperators: Operators = new Map(
  builtinScorecardOperators.map(op => [op.name, op]),
);

const isPrimitive = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v) ?? String(v);
function fail(where: string, message: string): never {
  throw new InputError(`${where}: ${message}`);
}

/**
 * Compiles a rule or `appliesTo` filter, validating it completely. Errors are
 * `InputError`s whose message starts with `where` extended by the offending key, e.g.
 * `pavedRoad.scorecards[1].checks[3].rule['entity.kind']: unknown operator '$foo'`.
 *
 * The language is Backstage's filter-predicate syntax: standard operators keep the
 * semantics of `@backstage/filter-predicates` (whose evaluator and path lookup are used
 * for them), which has no hook for new operators, so this walks the predicate and adds
 * the operators in `operators.ts` plus three-valued logic for missing facts.
 *
 * Rule of thumb for missing facts: a path whose fact source failed or returned nothing
 * for the entity is `unknown`; a path that is absent or false inside a source that did
 * return facts is simply not matched, so the check fails. `$all` is false when any part
 * is false, else unknown when any part is unknown; `$any` is true when any part is true,
 * else unknown when any part is unknown; `$not` keeps unknown unknown.
 *
 * @internal
 */
export function compileRule(
  predicate: unknown,
  options: { where: string; operators?: Iterable<ScorecardRuleOperator> },
): CompiledRule {
  const operators = options.operators
    ? new Map([...defaultOperators, ...[...options.operators].map(toEntry)])
    : defaultOperators;
  const scope: Scope = {
    kind: 'facts',
    operators,
    sources: new Set(),
    depth: 0,
  };
  if (!isObject(predicate)) {
    fail(
      options.where,
      `a rule must be an object of fact paths, or $all, $any or $not; got ${show(
        predicate,
      )}`,
    );
  }
  const evaluate = compilePredicate(predicate, options.where, scope);
  return {
    sources: [...scope.sources],
    evaluate: (facts, sourceErrors) => evaluate(facts, sourceErrors),
  };
}

function toEntry(op: ScorecardRuleOperator): [string, ScorecardRuleOperator] {
  if (
    LOGICAL.has(op.name) ||
    STANDARD.has(op.name) ||
    defaultOperators.has(op.name)
  ) {
    throw new InputError(`Rule operator '${op.name}' is built in`);
  }
  return [op.name, op];
}

function compilePredicate(
  predicate: unknown,
  where: string,
  outer: Scope,
): Evaluate {
  const scope = { ...outer, depth: outer.depth + 1 };
  if (scope.depth > MAX_RULE_DEPTH) {
    fail(where, `rules nest at most ${MAX_RULE_DEPTH} levels deep`);
  }
  if (isPrimitive(predicate) && scope.kind === 'value') {
    return input => evaluateFilterPredicate(predicate, input);
  }
  if (!isObject(predicate)) {
    return fail(where, `expected a predicate object, got ${show(predicate)}`);
  }
  const keys = Object.keys(predicate);
  const logical = keys.find(key => LOGICAL.has(key));
  if (logical) {
    if (keys.length !== 1) {
      fail(
        where,
        `'${logical}' must be the only key of its object; wrap the other conditions in $all`,
      );
    }
    return compileLogical(logical, predicate[logical], where, scope);
  }
  const parts = keys.map(key => {
    if (key.startsWith('$')) {
      fail(
        where,
        STANDARD.has(key) || scope.operators.has(key)
          ? `operator '${key}' must be applied to a path, e.g. { "entity.type": { "${key}": ... } }`
          : `unknown operator '${key}'`,
      );
    }
    if (!key.trim()) fail(where, 'a fact path must not be empty');
    return compilePath(key, predicate[key], `${where}['${key}']`, scope);
  });
  return conjunction(parts);
}

function compileLogical(
  operator: string,
  operand: unknown,
  where: string,
  scope: Scope,
): Evaluate {
  const at = `${where}.${operator}`;
  if (operator === '$not') {
    const inner = compilePredicate(operand, at, scope);
    return (input, errors) => {
      const verdict = inner(input, errors);
      return verdict === undefined ? undefined : !verdict;
    };
  }
  if (!Array.isArray(operand)) {
    return fail(at, `expected a list of predicates, got ${show(operand)}`);
  }
  const parts = operand.map((p, i) =>
    compilePredicate(p, `${at}[${i}]`, scope),
  );
  return operator === '$all' ? conjunction(parts) : disjunction(parts);
}

function conjunction(parts: Evaluate[]): Evaluate {
  if (parts.length === 1) return parts[0];
  return (input, errors) => {
    let verdict: RuleVerdict = true;
    for (const part of parts) {
      const v = part(input, errors);
      if (v === false) return false;
      if (v === undefined) verdict = undefined;
    }
    return verdict;
  };
}

function disjunction(parts: Evaluate[]): Evaluate {
  return (input, errors) => {
    let verdict: RuleVerdict = false;
    for (const part of parts) {
      const v = part(input, errors);
      if (v === true) return true;
      if (v === undefined) verdict = undefined;
    }
    return verdict;
  };
}

function compilePath(
  path: string,
  matcher: unknown,
  where: string,
  scope: Scope,
): Evaluate {
  const test = compileMatcher(matcher, where, scope);
  if (scope.kind === 'value') {
    return input => test(getJsonValueAtPath(input as JsonValue, path));
  }
  const dot = path.indexOf('.');
  const source = dot < 0 ? path : path.slice(0, dot);
  const rest = dot < 0 ? '' : path.slice(dot + 1);
  scope.sources.add(source);
  return (facts, errors) => {
    const data = Object.hasOwn(facts as object, source)
      ? (facts as ScorecardFacts)[source]
      : undefined;
    if (data === undefined || data === null || errors?.[source] !== undefined) {
      return undefined;
    }
    return test(rest ? getJsonValueAtPath(data as JsonValue, rest) : data);
  };
}

function compileMatcher(matcher: unknown, where: string, scope: Scope): Test {
  if (isPrimitive(matcher)) {
    return value => evaluateFilterPredicate(matcher, value);
  }
  if (!isObject(matcher)) {
    return fail(
      where,
      `expected a string, number, boolean or an object of operators, got ${show(
        matcher,
      )}`,
    );
  }
  const keys = Object.keys(matcher);
  if (!keys.length) fail(where, 'an object of operators must not be empty');
  const tests = keys.map(key =>
    compileOperator(key, matcher[key], where, scope),
  );
  return tests.length === 1 ? tests[0] : v => tests.every(t => t(v));
}

function compileOperator(
  key: string,
  operand: unknown,
  where: string,
  scope: Scope,
): Test {
  const at = `${where}.${key}`;
  switch (key) {
    case '$exists':
      if (typeof operand !== 'boolean') fail(at, 'expected true or false');
      return value => (value !== undefined) === operand;
    case '$in':
      if (!Array.isArray(operand) || !operand.every(isPrimitive)) {
        return fail(at, 'expected a list of strings, numbers or booleans');
      }
      return value => operand.some(c => evaluateFilterPredicate(c, value));
    case '$hasPrefix': {
      if (typeof operand !== 'string') return fail(at, 'expected a string');
      const prefix = operand.toUpperCase();
      return value =>
        typeof value === 'string' && value.toUpperCase().startsWith(prefix);
    }
    case '$contains': {
      const inner = compilePredicate(operand, at, { ...scope, kind: 'value' });
      return value =>
        Array.isArray(value) && value.some(v => inner(v, undefined) === true);
    }
    default:
  }
  if (!key.startsWith('$')) {
    fail(
      where,
      `expected operators (keys starting with $), got '${key}'; put nested fields in the path, e.g. 'a.${key}'`,
    );
  }
  const operator = scope.operators.get(key);
  if (!operator) return fail(where, `unknown operator '${key}'`);
  let prepared: unknown;
  try {
    prepared = operator.prepare(operand);
  } catch (error) {
    fail(at, (error as Error).message);
  }
  return value => operator.test(value, prepared);
}
