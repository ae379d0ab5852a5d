import {
  parseVersion,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { z } from 'zod';
import { ScorecardRuleOperator } from '../scorecards/operators';
import { campaignSchema } from './campaignSchema';
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

/** The earliest date the API accepts: nothing Paved Road records is older. */
const EARLIEST = Date.UTC(2000, 0, 1);
/** The latest day a query may name. */
const LATEST_DAY = Date.UTC(2100, 11, 31);
/** How far in the future a recorded time may be (clocks differ a little). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** A calendar day that exists (not 2026-02-30), between 2000 and 2100. */
const day = z.string().superRefine((value, ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD' });
    return;
  }
  const time = Date.parse(`${value}T00:00:00Z`);
  if (
    !Number.isFinite(time) ||
    new Date(time).toISOString().slice(0, 10) !== value ||
    time < EARLIEST ||
    time > LATEST_DAY
  ) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a date that exists, from 2000-01-01 to 2100-12-31',
    });
  }
});

/**
 * An RFC 3339 time that exists (no 30 February, no hour 25) between 2000 and a few
 * minutes from now: a scaffold event cannot come from the future, and one dated far
 * ahead would stay its entity's latest for ever.
 */
const pastTime = z.string().superRefine((value, ctx) => {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(
      value,
    );
  const [, y, mo, d, h, mi, sec] = match?.map(Number) ?? [];
  const calendar = match && new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  if (
    !calendar ||
    calendar.getUTCFullYear() !== y ||
    calendar.getUTCMonth() !== mo - 1 ||
    calendar.getUTCDate() !== d ||
    calendar.getUTCHours() !== h ||
    calendar.getUTCMinutes() !== mi ||
    calendar.getUTCSeconds() !== sec
  ) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a date and time that exists (RFC 3339)',
    });
    return;
  }
  const time = Date.parse(value);
  if (time < EARLIEST || time > Date.now() + CLOCK_SKEW_MS) {
    ctx.addIssue({
      code: 'custom',
      message: `must lie between 2000-01-01T00:00:00Z and now, got ${value}`,
    });
  }
});

/** A semantic version, normalised (no leading `v`, no surrounding spaces). */
const normalisedVersion = z.string().transform((value, ctx) => {
  try {
    return parseVersion(value).version;
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a semantic version such as 2.3.0',
    });
    return z.NEVER;
  }
});

/** Whether `value` has a control character, which no URL or branch name has. */
const hasControl = (value: string) =>
  [...value].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * Where an upgrade was opened: a pull request (http or https), or a local repository's
 * `file:` URL; normalised as URLs are (a space in a local path becomes `%20`).
 */
const upgradeUrl = z.string().transform((value, ctx) => {
  let url: URL | undefined;
  try {
    url = hasControl(value) ? undefined : new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:', 'file:'].includes(url.protocol)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be an http(s) URL (the pull request) or a file: URL (a local repository)',
    });
    return z.NEVER;
  }
  return url.href;
});

/** A git branch name, as `git check-ref-format --branch` accepts it. */
const branchName = z
  .string()
  .refine(
    value =>
      !hasControl(value) &&
      !/[\s~^:?*[\\]|\.\.|@\{|\/\/|^[-/]|[/.]$|^@$|(^|\/)\.|\.lock(\/|$)/.test(
        value,
      ),
    'must be a git branch name (git check-ref-format)',
  );

const upgradeResult = z
  .object({
    entityRef: ref(),
    fromVersion: normalisedVersion,
    outcome: z.enum(['opened', 'current', 'conflicted', 'failed']),
    url: upgradeUrl.optional(),
    branch: branchName.optional(),
    conflicts: z.number().optional(),
    reason: z.string().optional(),
    taskId: z.string().optional(),
  })
  .superRefine((result, ctx) => {
    if (result.conflicts && result.outcome !== 'conflicted') {
      ctx.addIssue({
        code: 'custom',
        path: ['conflicts'],
        message: `must be 0 unless outcome is conflicted, got ${result.conflicts} for outcome ${result.outcome}`,
      });
    }
    if (result.reason !== undefined && result.outcome !== 'failed') {
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        message: `is only for outcome failed, not ${result.outcome}`,
      });
    }
  });

/** Each entity once per run, compared as normalised refs. */
const upgradeResults = z.array(upgradeResult).superRefine((results, ctx) => {
  const first = new Map<string, number>();
  results.forEach(({ entityRef }, index) => {
    const earlier = first.get(entityRef);
    if (earlier === undefined) {
      first.set(entityRef, index);
    } else {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'entityRef'],
        message: `must name each entity once: '${entityRef}' is also results[${earlier}]`,
      });
    }
  });
});

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

/**
 * Why `ref` cannot have history in `scope`, if it cannot: `org` only with the org scope,
 * a group, system or domain scope only with an entity of that kind.
 */
function scopeMismatch(entityRef: string, scope: string | undefined) {
  if (!scope) return undefined;
  if ((entityRef === 'org') !== (scope === 'org')) {
    return scope === 'org'
      ? `must be 'org' for scope 'org', got '${entityRef}'`
      : `must be an entity ref for scope '${scope}', got 'org'`;
  }
  if (['group', 'system', 'domain'].includes(scope)) {
    const kind = entityRef
      .slice(0, entityRef.indexOf(':'))
      .toLocaleLowerCase('en-US');
    if (kind !== scope) {
      return `must be a ${scope} entity ref for scope '${scope}', got '${entityRef}'`;
    }
  }
  return undefined;
}

const resultsFilter = z.object({
  owner: ref('group', ['group', 'user']).optional(),
  system: ref('system', ['system']).optional(),
  kind: lowerCaseKind.optional(),
});

/** The refinements of every operation, by operation id. @internal */
export function createRefinements(options: {
  maxPushedFactsBytes: number;
  /** The loaded scorecards, which campaigns' goals are checked against. */
  evaluation?: { getScorecards(): { definitions: ScorecardDefinition[] } };
  operators?: Iterable<ScorecardRuleOperator>;
}) {
  const { maxPushedFactsBytes } = options;
  const campaign = campaignSchema({
    scorecards: () => options.evaluation?.getScorecards().definitions ?? [],
    operators: options.operators,
  });
  return {
    CreateCampaign: { body: campaign },
    UpdateCampaign: { body: campaign },
    RecordScaffoldEvent: {
      body: z.object({
        templateRef: ref('template', ['template']),
        templateVersion: semanticVersion.optional(),
        entityRef: ref(),
        initiatedBy: ref('user', ['user']).optional(),
        createdAt: pastTime.optional(),
        // Stored as a database float: values too close to zero for it are refused.
        hoursSaved: z
          .number()
          .refine(
            hours => hours === 0 || hours >= 0.001,
            'must be 0 or at least 0.001 hours',
          ),
      }),
    },
    ListScaffoldEvents: {
      query: z.object({
        templateRef: ref('template', ['template']).optional(),
      }),
    },
    RecordUpgradeRun: {
      body: z.object({
        templateRef: ref('template', ['template']),
        toVersion: normalisedVersion,
        scope: z
          .object({
            owner: ref('group', ['group', 'user']).optional(),
            system: ref('system', ['system']).optional(),
          })
          .optional(),
        results: upgradeResults,
      }),
    },
    ListUpgradeRuns: {
      query: z.object({
        templateRef: ref('template', ['template']).optional(),
      }),
    },
    ListUpgrades: {
      query: z.object({
        templateRef: ref('template', ['template']).optional(),
        entityRef: ref().optional(),
      }),
    },
    ListTemplateReleases: {
      query: z.object({
        templateRef: ref('template', ['template']).optional(),
      }),
    },
    ListCampaignEntities: {
      query: z.object({ owner: ref('group', ['group', 'user']).optional() }),
    },
    ExportCampaignEntities: {
      query: z.object({ owner: ref('group', ['group', 'user']).optional() }),
    },
    ListResults: { query: resultsFilter },
    ExportResults: { query: resultsFilter },
    GetAggregates: { query: z.object({ kind: lowerCaseKind.optional() }) },
    GetHistory: {
      query: z
        .object({
          ref: historyRef,
          scope: z
            .enum(['entity', 'org', 'group', 'system', 'domain'])
            .optional(),
          from: day.optional(),
          to: day.optional(),
        })
        .superRefine((query, ctx) => {
          if (query.from && query.to && query.from > query.to) {
            ctx.addIssue({
              code: 'custom',
              path: ['to'],
              message: `must not be before from (${query.from})`,
            });
          }
          const problem = scopeMismatch(query.ref, query.scope);
          if (problem) {
            ctx.addIssue({ code: 'custom', path: ['ref'], message: problem });
          }
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
