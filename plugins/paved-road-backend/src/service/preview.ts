import {
  ScorecardDefinition,
  ScorecardPreviewResponse,
} from '@paved-road/backstage-plugin-common';
import { InputError } from '@backstage/errors';
import { DatabaseResultsStore } from '../database/DatabaseResultsStore';
import { compileScorecards } from '../scorecards/evaluator';
import { ScorecardRuleOperator } from '../scorecards/operators';
import { parseScorecardDefinition } from '../scorecards/schema';

/**
 * Body of `POST /scorecards/preview`, as the spec has validated it: `scorecard`, or
 * `scorecardId` and `check`.
 *
 * @internal
 */
export interface PreviewBody {
  scorecard?: unknown;
  scorecardId?: string;
  check?: unknown;
}

/**
 * The scorecard a preview evaluates: the posted one, or an existing one with the posted
 * check added or replacing the check with its id. Errors name the posted check.
 *
 * @internal
 */
export function previewDefinition(
  body: PreviewBody,
  definitions: ScorecardDefinition[],
  operators?: ScorecardRuleOperator[],
): ScorecardDefinition {
  if (body.scorecard !== undefined) {
    try {
      return parseScorecardDefinition(body.scorecard, 'scorecard', {
        operators,
      });
    } catch (error) {
      throw new InputError(
        `Invalid request body: ${(error as Error).message
          .split('\n')
          .join('; ')}`,
      );
    }
  }
  const existing = definitions.find(d => d.id === body.scorecardId);
  if (!existing) {
    throw new InputError(
      `Invalid request body: scorecardId: unknown scorecard '${body.scorecardId}'`,
    );
  }
  const check = body.check as { id?: unknown } | null;
  const position = existing.checks.findIndex(c => c.id === check?.id);
  const checks = [...existing.checks];
  checks.splice(
    position >= 0 ? position : checks.length,
    position >= 0 ? 1 : 0,
    body.check as any,
  );
  try {
    return parseScorecardDefinition({ ...existing, checks }, 'scorecard', {
      operators,
    });
  } catch (error) {
    // Name the posted check, not its position in the merged scorecard.
    const at = `scorecard.checks[${
      position >= 0 ? position : checks.length - 1
    }]`;
    throw new InputError(
      `Invalid request body: ${(error as Error).message
        .split(at)
        .join('check')
        .split('\n')
        .join('; ')}`,
    );
  }
}

/**
 * Evaluates a scorecard against the stored facts without saving: status counts per
 * check, the level distribution, and how many entities would change level.
 *
 * @internal
 */
export async function previewScorecard(options: {
  definition: ScorecardDefinition;
  operators?: ScorecardRuleOperator[];
  results: DatabaseResultsStore;
  visible?: ReadonlySet<string>;
  /** How long the preview may evaluate (ms) before it gives up with a 400. */
  budgetMs: number;
  /** The clock, for tests. */
  now?: () => number;
}): Promise<ScorecardPreviewResponse> {
  const { definition, results, visible, budgetMs } = options;
  const now = options.now ?? Date.now;
  const deadline = now() + budgetMs;
  const [compiled] = compileScorecards([definition], {
    operators: options.operators,
  });
  const preview: ScorecardPreviewResponse = {
    entities: 0,
    checks: Object.fromEntries(
      definition.checks.map(c => [
        c.id,
        { pass: 0, fail: 0, unknown: 0, exempt: 0 },
      ]),
    ),
    levels: {},
    levelChanges: 0,
  };
  let seen = 0;
  for await (const row of results.factsWithLevels()) {
    seen += 1;
    if (now() > deadline) {
      throw new InputError(
        `Invalid request body: the preview used its budget of ${budgetMs} ms (pavedRoad.preview.budget) after ${seen} entities; make the rules cheaper or narrow appliesTo`,
      );
    }
    if (visible && !visible.has(row.entityRef)) continue;
    const before = row.levels[definition.id];
    if (!compiled.appliesTo(row.facts, row.sourceErrors)) {
      if (before !== undefined) preview.levelChanges += 1;
      continue;
    }
    const result = compiled.evaluate(row.facts, {
      entityRef: row.entityRef,
      sourceErrors: row.sourceErrors,
    });
    preview.entities += 1;
    const level = result.level ?? 'none';
    preview.levels[level] = (preview.levels[level] ?? 0) + 1;
    for (const check of result.checks) {
      preview.checks[check.checkId][check.status] += 1;
    }
    if (before === undefined || before !== result.level) {
      preview.levelChanges += 1;
    }
  }
  return preview;
}
