import { ScorecardDefinition } from '@paved-road/backstage-plugin-common';
import semver from 'semver';
import { z } from 'zod';
import { ScorecardRuleOperator } from '../scorecards/operators';
import { compileRule } from '../scorecards/rules';
import { entityRefSchema } from './validation';

/** What a campaign is checked against: the loaded scorecards and rule operators. */
export interface CampaignContext {
  /** The scorecard definitions loaded now (they may change without a restart). */
  scorecards: () => ScorecardDefinition[];
  operators?: Iterable<ScorecardRuleOperator>;
}

const slug = z
  .string()
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    'must be lower-case letters and digits separated by dashes',
  )
  .max(63, 'must be at most 63 characters');

const text = z.string().trim().min(1, 'must not be empty');

/**
 * A calendar day that exists (not 2027-02-30), between 2000 and 2100.
 *
 * @internal
 */
export const day = z.string().superRefine((value, ctx) => {
  const time = Date.parse(`${value}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    !Number.isFinite(time) ||
    new Date(time).toISOString().slice(0, 10) !== value ||
    value < '2000-01-01' ||
    value > '2100-12-31'
  ) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a date YYYY-MM-DD that exists, from 2000-01-01 to 2100-12-31, got '${value}'`,
    });
  }
});

const semverRange = z.string().refine(
  value => {
    try {
      return semver.validRange(value) !== null;
    } catch {
      return false;
    }
  },
  { message: 'must be a semver range such as >=2.0.0 or ^2.3.0' },
);

/**
 * Whether `filter` compiles as an `appliesTo` filter; the error is its message with
 * the key inside the filter, if any, e.g. `at ['entity.kind']: unknown operator '$foo'`.
 */
function filterProblem(
  filter: unknown,
  operators: Iterable<ScorecardRuleOperator> | undefined,
): string | undefined {
  try {
    compileRule(filter, { where: '', operators });
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    return message.startsWith(': ') ? message.slice(2) : `at ${message}`;
  }
}

/**
 * The zod schema of a campaign: its fields' formats (slug id, group owner, entity refs,
 * days, semver range, filter predicate), the deadline not before the start, and the
 * goal's scorecard, level and checks among the loaded definitions. Every issue has the
 * path of its field, so errors name it (`goal.level: unknown level ...`). `strict`
 * refuses unknown keys (configuration; the OpenAPI spec does that for the API).
 *
 * @internal
 */
export function campaignSchema(
  context: CampaignContext,
  options: { strict?: boolean } = {},
) {
  const object = options.strict ? z.strictObject : z.object;
  const goal = object({
    type: z.enum(['level', 'checks', 'template-version']),
    scorecard: z.string().optional(),
    level: z.string().optional(),
    checks: z.array(z.string()).optional(),
    template: entityRefSchema('template', ['template']).optional(),
    range: semverRange.optional(),
  }).superRefine((value, ctx) => {
    const fields = {
      level: ['scorecard', 'level'],
      checks: ['scorecard', 'checks'],
      'template-version': ['template', 'range'],
    }[value.type];
    for (const field of ['scorecard', 'level', 'checks', 'template', 'range']) {
      const present = (value as Record<string, unknown>)[field] !== undefined;
      if (fields.includes(field) && !present) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `is required for a ${value.type} goal`,
        });
      } else if (!fields.includes(field) && present) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `is not allowed in a ${
            value.type
          } goal (it has ${fields.join(' and ')})`,
        });
      }
    }
    if (value.type === 'template-version' || value.scorecard === undefined) {
      return;
    }
    const scorecards = context.scorecards();
    const scorecard = scorecards.find(s => s.id === value.scorecard);
    if (!scorecard) {
      ctx.addIssue({
        code: 'custom',
        path: ['scorecard'],
        message: `unknown scorecard '${
          value.scorecard
        }' (scorecards: ${scorecards.map(s => s.id).join(', ')})`,
      });
      return;
    }
    const levels = scorecard.levels.map(l => l.id);
    if (value.level !== undefined && !levels.includes(value.level)) {
      ctx.addIssue({
        code: 'custom',
        path: ['level'],
        message: `unknown level '${value.level}' of scorecard '${
          scorecard.id
        }' (levels: ${levels.join(', ')})`,
      });
    }
    const checks = scorecard.checks.map(c => c.id);
    const seen = new Set<string>();
    (value.checks ?? []).forEach((check, index) => {
      if (!checks.includes(check)) {
        ctx.addIssue({
          code: 'custom',
          path: ['checks', index],
          message: `unknown check '${check}' of scorecard '${scorecard.id}'`,
        });
      } else if (seen.has(check)) {
        ctx.addIssue({
          code: 'custom',
          path: ['checks', index],
          message: `names check '${check}' twice`,
        });
      }
      seen.add(check);
    });
    if (value.checks?.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['checks'],
        message: 'must name at least one check',
      });
    }
  });
  const scope = object({
    owner: entityRefSchema('group', ['group']).optional(),
    system: entityRefSchema('system', ['system']).optional(),
    kind: text.optional(),
    type: text.optional(),
    lifecycle: text.optional(),
    filter: z
      .unknown()
      .superRefine((value, ctx) => {
        const problem =
          value === undefined
            ? undefined
            : filterProblem(value, context.operators);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  });
  return object({
    id: slug,
    title: text,
    description: z.string(),
    owner: entityRefSchema('group', ['group']),
    goal,
    scope: scope.optional().transform(value => value ?? {}),
    startsOn: day,
    deadline: day,
  }).superRefine((value, ctx) => {
    // Compared only when both are days: a bad one is reported on its own.
    const days = [value.startsOn, value.deadline];
    if (
      days.every(d => day.safeParse(d).success) &&
      value.deadline < value.startsOn
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['deadline'],
        message: `must not be before startsOn (${value.startsOn}), got ${value.deadline}`,
      });
    }
  });
}
