/**
 * A proposed platform tool's answers to the wrapper test (RSE framework S.02) and its
 * documentation readiness (S.03).
 *
 * @public
 */
export interface WrapperTestProposal {
  /** The tool's name, as results show it. */
  toolName: string;
  /** Hours one service saves by using the tool instead of building the thing itself. */
  hoursSavedPerService: number;
  /** How many services are expected to use the tool. */
  servicesExpectedToAdopt: number;
  /** Manual steps a team no longer takes. */
  stepsRemoved: number;
  /** Errors the tool prevents at build time, one per entry. */
  errorsPrevented: string[];
  /** What teams get that they could not easily get themselves. */
  operationalBenefit: string;
  /** Why teams should not use the underlying tool or service directly. */
  alternativeConsidered?: string;
  /** Which documents the tool has ready (S.03). */
  docs: {
    quickstart: boolean;
    failureModeReference: boolean;
    versioningPolicy: boolean;
  };
}

/** The three wrapper-test questions. @public */
export type WrapperTestQuestionId =
  | 'implementation-time'
  | 'developer-experience'
  | 'operational-benefit';

/**
 * The outcome of one wrapper-test question.
 *
 * @public
 */
export interface WrapperTestQuestionResult {
  /** Which question. */
  id: WrapperTestQuestionId;
  /** The question, in words. */
  title: string;
  /** 0 to 100. */
  score: number;
  /** Whether the answers clear the bar of {@link WRAPPER_TEST_BAR}. */
  passed: boolean;
  /** The figures behind the score first, then why the question fails, if it does. */
  reasons: string[];
}

/**
 * `pass`: clears all three questions and the docs are ready; `revise`: clears the
 * questions but the docs are not ready; `reject`: fails at least one question.
 *
 * @public
 */
export type WrapperTestVerdict = 'pass' | 'revise' | 'reject';

/**
 * The wrapper test's verdict on a proposal, with each question's result.
 *
 * @public
 */
export interface WrapperTestResult {
  /** The proposal's tool name. */
  toolName: string;
  /** The verdict. */
  verdict: WrapperTestVerdict;
  /** Mean of the three question scores. */
  score: number;
  /** The three questions' results, in order. */
  questions: WrapperTestQuestionResult[];
  /** The documents not ready, in words, e.g. `a quickstart`. */
  missingDocs: string[];
  /** Why the verdict is not `pass`; empty when it is. */
  reasons: string[];
}

/** The bar, in one place, so the README and the scoring cannot disagree. @public */
export const WRAPPER_TEST_BAR = {
  minHoursPerService: 4,
  minTotalHours: 40,
  minDeveloperExperiencePoints: 40,
  minOperationalScore: 60,
  minAlternativeLength: 20,
} as const;

const BENEFITS: Record<string, RegExp> = {
  observability:
    /observab|tracing|traces?\b|metrics|dashboards?|alert|structured log/i,
  resilience:
    /retr(y|ies)|idempot|circuit.?break|backoff|dead.?letter|timeouts?|rate.?limit/i,
  security: /secur|scan|vulnerab|secrets?|encrypt|cve|sbom|least.?privilege/i,
  operations:
    /backup|rollback|migrations?|autoscal|on.?call|runbook|zero.?downtime/i,
};

const DOCS: Record<keyof WrapperTestProposal['docs'], string> = {
  quickstart: 'a quickstart',
  failureModeReference: 'a failure-mode reference',
  versioningPolicy: 'a versioning and deprecation policy',
};

/**
 * Scores a platform-tool proposal. Deterministic: the same answers always give the same
 * verdict, scores and reasons.
 *
 * @public
 */
export function scoreWrapperTest(p: WrapperTestProposal): WrapperTestResult {
  const bar = WRAPPER_TEST_BAR;

  const total = p.hoursSavedPerService * p.servicesExpectedToAdopt;
  const q1: WrapperTestQuestionResult = {
    id: 'implementation-time',
    title: 'Lower implementation time',
    score: Math.min(100, Math.round((100 * total) / (2 * bar.minTotalHours))),
    passed:
      p.hoursSavedPerService >= bar.minHoursPerService &&
      total >= bar.minTotalHours,
    reasons: [
      `${p.hoursSavedPerService} hours per service x ${p.servicesExpectedToAdopt} services = ${total} hours`,
      ...(p.hoursSavedPerService < bar.minHoursPerService
        ? [
            `saves under ${bar.minHoursPerService} hours per service: not worth a dependency`,
          ]
        : []),
      ...(total < bar.minTotalHours
        ? [
            `under ${bar.minTotalHours} hours in all: solve it in the teams that need it`,
          ]
        : []),
    ],
  };

  const errors = p.errorsPrevented.map(e => e.trim()).filter(Boolean);
  const points =
    Math.min(50, 10 * p.stepsRemoved) + Math.min(50, 15 * errors.length);
  const q2: WrapperTestQuestionResult = {
    id: 'developer-experience',
    title: 'Better developer experience',
    score: points,
    passed: points >= bar.minDeveloperExperiencePoints,
    reasons: [
      `${p.stepsRemoved} step(s) removed, ${errors.length} error(s) prevented`,
      ...(points < bar.minDeveloperExperiencePoints
        ? [
            'removes too few steps and prevents too few errors to change how teams work',
          ]
        : []),
    ],
  };

  const matched = Object.entries(BENEFITS)
    .filter(([, pattern]) => pattern.test(p.operationalBenefit))
    .map(([name]) => name);
  const alternative = (p.alternativeConsidered ?? '').trim();
  const q3Score = [0, 60, 85][matched.length] ?? 100;
  const q3: WrapperTestQuestionResult = {
    id: 'operational-benefit',
    title: 'Operational benefit teams could not easily get themselves',
    score: q3Score,
    passed:
      q3Score >= bar.minOperationalScore &&
      alternative.length >= bar.minAlternativeLength,
    reasons: [
      matched.length
        ? `benefits: ${matched.join(', ')}`
        : 'names no operational benefit (observability, resilience, security or operations)',
      ...(alternative.length < bar.minAlternativeLength
        ? [
            "does not say why teams cannot use the underlying tool directly (don't wrap wrappers)",
          ]
        : []),
    ],
  };

  const questions = [q1, q2, q3];
  const missingDocs = (Object.keys(DOCS) as Array<keyof typeof DOCS>)
    .filter(key => !p.docs[key])
    .map(key => DOCS[key]);
  let verdict: WrapperTestVerdict = 'pass';
  if (questions.some(q => !q.passed)) verdict = 'reject';
  else if (missingDocs.length) verdict = 'revise';

  return {
    toolName: p.toolName,
    verdict,
    score: Math.round(
      questions.reduce((sum, q) => sum + q.score, 0) / questions.length,
    ),
    questions,
    missingDocs,
    reasons: [
      ...questions
        .filter(q => !q.passed)
        .map(
          q => `${q.title}: ${q.reasons.slice(1).join('; ') || q.reasons[0]}`,
        ),
      ...(missingDocs.length
        ? [`Docs not ready: missing ${missingDocs.join(', ')}`]
        : []),
    ],
  };
}
