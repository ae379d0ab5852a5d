import { InputError } from '@backstage/errors';
import { ScorecardDefinition } from '@paved-road/backstage-plugin-common';
import { z } from 'zod';
import { ScorecardRuleOperator } from './operators';
import { compileRule } from './rules';

const id = z
  .string()
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    'must be lower-case letters and digits separated by dashes',
  )
  .max(63);
const text = z.string().trim().min(1, 'must not be empty');
const predicate = z.record(z.string(), z.unknown(), {
  error: 'must be an object of fact paths, or $all, $any or $not',
});

const levelSchema = z.strictObject({ id, title: text });

const checkSchema = z.strictObject({
  id,
  title: text,
  description: text,
  level: id,
  rule: predicate,
  remediation: z.strictObject({
    markdown: text,
    link: z
      .string()
      .regex(
        /^(?:https?:\/\/|\/)\S+$/,
        'must be an http(s) URL or a path starting with /',
      )
      .optional(),
  }),
  exemptionGuardrail: id.optional(),
});

const scorecardSchema = z.strictObject({
  id,
  title: text,
  description: text,
  appliesTo: predicate.optional(),
  levels: z.array(levelSchema).min(1, 'a scorecard needs at least one level'),
  checks: z.array(checkSchema).min(1, 'a scorecard needs at least one check'),
});

/**
 * Appends segments to a key path in the notation config errors use:
 * `pavedRoad.scorecards[1].checks[3].rule`.
 *
 * @internal
 */
export function keyPath(prefix: string, ...segments: PropertyKey[]): string {
  let path = prefix;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(segment))) {
      path += path ? `.${String(segment)}` : String(segment);
    } else path += `['${String(segment)}']`;
  }
  return path || '(top level)';
}

function duplicates(
  items: Array<{ id: string }>,
  at: (index: number) => string,
  what: string,
): string[] {
  const seen = new Set<string>();
  return items.flatMap((item, index) => {
    if (!seen.has(item.id)) {
      seen.add(item.id);
      return [];
    }
    return [`${at(index)}: duplicate ${what} id '${item.id}'`];
  });
}

/**
 * Validates one scorecard definition. Throws an `InputError` with one line per problem,
 * each `<key path>: <what is wrong>`, the key path starting with `prefix`.
 *
 * @internal
 */
export function parseScorecardDefinition(
  value: unknown,
  prefix: string,
  options?: { operators?: Iterable<ScorecardRuleOperator> },
): ScorecardDefinition {
  const parsed = scorecardSchema.safeParse(value);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues
        .map(issue => `${keyPath(prefix, ...issue.path)}: ${issue.message}`)
        .join('\n'),
    );
  }
  const definition = parsed.data as ScorecardDefinition;
  const levelIds = definition.levels.map(level => level.id);
  const problems = [
    ...duplicates(
      definition.levels,
      i => keyPath(prefix, 'levels', i, 'id'),
      'level',
    ),
    ...duplicates(
      definition.checks,
      i => keyPath(prefix, 'checks', i, 'id'),
      'check',
    ),
    ...definition.checks.flatMap((check, i) =>
      levelIds.includes(check.level)
        ? []
        : [
            `${keyPath(prefix, 'checks', i, 'level')}: unknown level '${
              check.level
            }' (levels: ${levelIds.join(', ')})`,
          ],
    ),
  ];
  const rules = [
    ...(definition.appliesTo
      ? [{ rule: definition.appliesTo, at: keyPath(prefix, 'appliesTo') }]
      : []),
    ...definition.checks.map((check, i) => ({
      rule: check.rule,
      at: keyPath(prefix, 'checks', i, 'rule'),
    })),
  ];
  for (const { rule, at } of rules) {
    try {
      compileRule(rule, { where: at, operators: options?.operators });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length) {
    throw new InputError(problems.join('\n'));
  }
  return definition;
}
