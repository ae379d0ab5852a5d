import { InputError } from '@backstage/errors';
import {
  CheckResult,
  ScorecardCheck,
  ScorecardDefinition,
  ScorecardResult,
} from '@paved-road/backstage-plugin-common';
import { ScorecardRuleOperator } from './operators';
import { compileRule, CompiledRule, ScorecardFacts } from './rules';

/**
 * What one evaluation needs besides the facts.
 *
 * @public
 */
export interface EvaluateScorecardsOptions {
  entityRef: string;
  /** Error messages of the fact sources that failed for this entity, by source id. */
  sourceErrors?: Record<string, string>;
}

/**
 * A scorecard whose rules are compiled once, ready to evaluate many entities.
 *
 * @public
 */
export interface CompiledScorecard {
  definition: ScorecardDefinition;
  /** Whether `appliesTo` holds; a filter that cannot be decided does not apply. */
  appliesTo(
    facts: ScorecardFacts,
    sourceErrors?: Record<string, string>,
  ): boolean;
  evaluate(
    facts: ScorecardFacts,
    options: EvaluateScorecardsOptions,
  ): ScorecardResult;
}

const PASSED = new Set(['pass', 'exempt']);

/**
 * Compiles scorecard definitions into closures: predicates are parsed and validated
 * here, once, and never per entity.
 *
 * @public
 */
export function compileScorecards(
  definitions: readonly ScorecardDefinition[],
  options?: { operators?: Iterable<ScorecardRuleOperator> },
): CompiledScorecard[] {
  const operators = options?.operators ? [...options.operators] : undefined;
  return definitions.map((definition, index) => {
    const where = `scorecards[${index}]`;
    const applies = definition.appliesTo
      ? compileRule(definition.appliesTo, {
          where: `${where}.appliesTo`,
          operators,
        })
      : undefined;
    const checks = definition.checks.map((check, i) => ({
      check,
      rule: compileRule(check.rule, {
        where: `${where}.checks[${i}].rule`,
        operators,
      }),
    }));
    const byLevel = definition.levels.map(level =>
      checks.flatMap((c, i) => (c.check.level === level.id ? [i] : [])),
    );
    if (byLevel.flat().length !== checks.length) {
      throw new InputError(`${where}: every check needs one of its levels`);
    }
    return {
      definition,
      appliesTo: (facts, errors) =>
        applies ? applies.evaluate(facts, errors) === true : true,
      evaluate(facts, { entityRef, sourceErrors }) {
        const results = checks.map(({ check, rule }) =>
          evaluateCheck(check, rule, facts, sourceErrors, definition.id),
        );
        const passed = (i: number) => PASSED.has(results[i].status);
        let reached = -1;
        while (
          reached + 1 < byLevel.length &&
          byLevel[reached + 1].every(passed)
        ) {
          reached += 1;
        }
        const levels = definition.levels;
        const next = reached + 1 < levels.length ? reached + 1 : -1;
        return {
          scorecardId: definition.id,
          entityRef,
          level: reached >= 0 ? levels[reached].id : null,
          nextLevel: next >= 0 ? levels[next].id : null,
          missingForNext:
            next >= 0
              ? byLevel[next]
                  .filter(i => !passed(i))
                  .map(i => checks[i].check.id)
              : [],
          checks: results,
        };
      },
    };
  });
}

function evaluateCheck(
  { id: checkId, exemptionGuardrail: guardrail }: ScorecardCheck,
  rule: CompiledRule,
  facts: ScorecardFacts,
  sourceErrors: Record<string, string> | undefined,
  scorecardId: string,
): CheckResult {
  const verdict = rule.evaluate(facts, sourceErrors);
  if (verdict === true) {
    return { checkId, status: 'pass' };
  }
  const exemption = findExemption(facts, scorecardId, checkId);
  if (exemption) {
    return {
      checkId,
      status: 'exempt',
      reason: `exemption approved by ${exemption.approvedBy}, until ${exemption.expiresOn}: ${exemption.reason}`,
    };
  }
  const hatch = guardrail
    ? findEscapeHatch(facts, sourceErrors, guardrail)
    : undefined;
  if (hatch !== undefined) {
    return {
      checkId,
      status: 'exempt',
      reason: `escape hatch for '${guardrail}' recorded: ${hatch}`,
    };
  }
  if (verdict === false) {
    return { checkId, status: 'fail' };
  }
  return {
    checkId,
    status: 'unknown',
    reason: unknownReason(rule, facts, sourceErrors),
  };
}

/**
 * An approved exemption of the entity from this check, or from its whole scorecard, as
 * the `exemptions` facts hold them (added by the backend from the approved exemptions).
 */
function findExemption(
  facts: ScorecardFacts,
  scorecardId: string,
  checkId: string,
): { approvedBy: string; expiresOn: string; reason: string } | undefined {
  const exemptions = facts.exemptions;
  if (!Array.isArray(exemptions)) return undefined;
  return exemptions.find(
    e =>
      e?.scorecard === scorecardId &&
      (e.check === undefined || e.check === checkId),
  );
}

/** The reason recorded for a skipped guardrail in the entity's provenance. */
function findEscapeHatch(
  facts: ScorecardFacts,
  sourceErrors: Record<string, string> | undefined,
  guardrail: string,
): string | undefined {
  if (sourceErrors?.provenance !== undefined) return undefined;
  const hatches = (facts.provenance as { escapeHatches?: unknown } | undefined)
    ?.escapeHatches;
  if (!Array.isArray(hatches)) return undefined;
  const hatch = hatches.find(h => h?.guardrail === guardrail);
  return hatch ? String(hatch.reason) : undefined;
}

function unknownReason(
  rule: CompiledRule,
  facts: ScorecardFacts,
  sourceErrors: Record<string, string> | undefined,
): string {
  return rule.sources
    .flatMap(source => {
      if (sourceErrors?.[source] !== undefined) {
        return [`fact source '${source}' failed: ${sourceErrors[source]}`];
      }
      return facts[source] === undefined || facts[source] === null
        ? [`fact source '${source}' has no data for this entity`]
        : [];
    })
    .join('; ');
}

const compiledCache = new WeakMap<
  readonly ScorecardDefinition[],
  CompiledScorecard[]
>();

/**
 * Evaluates every scorecard whose `appliesTo` matches the entity's facts. Accepts
 * compiled scorecards, or definitions, which are compiled once per array and cached.
 *
 * @public
 */
export function evaluateScorecards(
  scorecards: readonly ScorecardDefinition[] | readonly CompiledScorecard[],
  facts: ScorecardFacts,
  options: EvaluateScorecardsOptions,
): ScorecardResult[] {
  const compiled = isCompiled(scorecards)
    ? scorecards
    : compiledCache.get(scorecards) ?? cacheCompiled(scorecards);
  const results: ScorecardResult[] = [];
  for (const scorecard of compiled) {
    if (scorecard.appliesTo(facts, options.sourceErrors)) {
      results.push(scorecard.evaluate(facts, options));
    }
  }
  return results;
}

function isCompiled(
  scorecards: readonly ScorecardDefinition[] | readonly CompiledScorecard[],
): scorecards is readonly CompiledScorecard[] {
  return scorecards.length > 0 && 'evaluate' in scorecards[0];
}

function cacheCompiled(definitions: readonly ScorecardDefinition[]) {
  const compiled = compileScorecards(definitions);
  compiledCache.set(definitions, compiled);
  return compiled;
}
