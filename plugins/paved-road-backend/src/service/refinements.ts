import { parseVersion } from '@paved-road/backstage-plugin-common';
import { z } from 'zod';
import { entityRefSchema } from './validation';

/**
 * What `src/schema/openapi.yaml` cannot say about a request, per operation id: the
 * spec checks types, required fields, bounds, enums and formats (the router validates
 * every request against it); these check what needs code (entity refs and their kinds,
 * semantic versions, the size of pushed facts) and name it more precisely than a
 * pattern would (source ids, days). They also normalise (entity refs to
 * `kind:namespace/name`, kinds to lower case). Fields are only described here when they
 * have such a check; whatever else is wrong with them is the spec's to report.
 *
 * @internal
 */
export type Refinements = Record<
  string,
  Partial<Record<'body' | 'query', z.ZodType<Record<string, unknown>>>>
>;

const ref = entityRefSchema;

const semanticVersion = z.string().refine(v => {
  try {
    parseVersion(v);
    return true;
  } catch {
    return false;
  }
}, 'must be a semantic version such as 2.3.0');

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

const lowerCaseKind = z.string().transform(k => k.toLocaleLowerCase('en-US'));

/** `org`, or an entity ref with its kind. */
const historyRef = z.string().transform((value, ctx) => {
  if (value === 'org') return value;
  const parsed = ref().safeParse(value);
  if (parsed.success) return parsed.data;
  ctx.addIssue({
    code: 'custom',
    message: `'${value}' is neither 'org' nor an entity ref`,
  });
  return z.NEVER;
});

const resultsFilter = z.object({
  owner: ref('group', ['group', 'user']).optional(),
  system: ref('system', ['system']).optional(),
  kind: lowerCaseKind.optional(),
});

/** The refinements of every operation, by operation id. @internal */
export function createRefinements(options: { maxPushedFactsBytes: number }) {
  const { maxPushedFactsBytes } = options;
  return {
    RecordScaffoldEvent: {
      body: z.object({
        templateRef: ref('template', ['template']),
        templateVersion: semanticVersion.optional(),
        entityRef: ref(),
        initiatedBy: ref('user', ['user']).optional(),
      }),
    },
    ListScaffoldEvents: {
      query: z.object({
        templateRef: ref('template', ['template']).optional(),
      }),
    },
    ListResults: { query: resultsFilter },
    ExportResults: { query: resultsFilter },
    GetAggregates: { query: z.object({ kind: lowerCaseKind.optional() }) },
    GetHistory: {
      query: z.object({
        ref: historyRef,
        from: day.optional(),
        to: day.optional(),
      }),
    },
    Evaluate: { body: z.object({ entityRef: ref().optional() }) },
    PushFacts: {
      body: z.object({
        entityRef: ref(),
        source: z
          .string()
          .regex(
            /^[a-z0-9]+(-[a-z0-9]+)*$/,
            'must be lower-case letters and digits separated by dashes',
          ),
        facts: z
          .record(z.string(), z.unknown())
          .refine(
            facts =>
              Buffer.byteLength(JSON.stringify(facts)) <= maxPushedFactsBytes,
            `must be at most ${maxPushedFactsBytes} bytes as JSON`,
          ),
      }),
    },
  } satisfies Refinements;
}
