import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { scoreWrapperTest } from '@paved-road/backstage-plugin-common';
import { examples } from './wrapperTest.examples';

/**
 * `paved-road:wrapper-test`: scores a platform-tool proposal against the wrapper test's
 * three questions and docs readiness, deterministically. With `failOnReject` (the
 * default) the step fails with the verdict and reasons unless the verdict is `pass`.
 *
 * @public
 */
export function createWrapperTestAction() {
  return createTemplateAction({
    id: 'paved-road:wrapper-test',
    description:
      'Scores a platform-tool proposal: lower implementation time, better developer experience, operational benefit, and docs readiness',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        toolName: z => z.string().min(1).describe('The proposed tool'),
        hoursSavedPerService: z =>
          z.number().min(0).max(10_000).describe('Hours one service saves'),
        servicesExpectedToAdopt: z =>
          z
            .number()
            .int()
            .min(0)
            .max(100_000)
            .describe('Services expected to adopt it'),
        stepsRemoved: z =>
          z
            .number()
            .int()
            .min(0)
            .max(1_000)
            .describe('Manual steps it removes'),
        errorsPrevented: z =>
          z
            .array(z.string())
            .default([])
            .describe('Errors it prevents at build time'),
        operationalBenefit: z =>
          z
            .string()
            .default('')
            .describe('What teams could not easily get themselves'),
        alternativeConsidered: z =>
          z
            .string()
            .optional()
            .describe('Why not use the underlying tool directly'),
        docs: z =>
          z
            .object({
              quickstart: z.boolean().default(false),
              failureModeReference: z.boolean().default(false),
              versioningPolicy: z.boolean().default(false),
            })
            .default({
              quickstart: false,
              failureModeReference: false,
              versioningPolicy: false,
            })
            .describe('Documentation readiness'),
        failOnReject: z =>
          z
            .boolean()
            .default(true)
            .describe('Fail the step unless the verdict is pass'),
      },
      output: {
        verdict: z => z.enum(['pass', 'revise', 'reject']),
        score: z =>
          z.number().describe('Mean of the three question scores, 0-100'),
        questions: z =>
          z.array(
            z.object({
              id: z.string(),
              title: z.string(),
              score: z.number(),
              passed: z.boolean(),
              reasons: z.array(z.string()),
            }),
          ),
        reasons: z =>
          z.array(z.string()).describe('Why the verdict is not pass'),
        summary: z =>
          z
            .string()
            .describe('The verdict as one JSON object, for annotations'),
      },
    },
    async handler(ctx) {
      // Defaults applied here: the scaffolder hands over the raw, schema-validated input.
      const {
        failOnReject = true,
        errorsPrevented = [],
        operationalBenefit = '',
        docs,
        ...rest
      } = ctx.input;
      const proposal = {
        ...rest,
        errorsPrevented,
        operationalBenefit,
        docs: {
          quickstart: docs?.quickstart ?? false,
          failureModeReference: docs?.failureModeReference ?? false,
          versioningPolicy: docs?.versioningPolicy ?? false,
        },
      };
      const result = scoreWrapperTest(proposal);
      ctx.output('verdict', result.verdict);
      ctx.output('score', result.score);
      ctx.output('questions', result.questions);
      ctx.output('reasons', result.reasons);
      ctx.output(
        'summary',
        JSON.stringify({
          verdict: result.verdict,
          score: result.score,
          hoursSavedPerService: proposal.hoursSavedPerService,
          stepsRemoved: proposal.stepsRemoved,
          errorsPrevented: proposal.errorsPrevented,
          operationalBenefit: proposal.operationalBenefit,
        }),
      );
      const lines = result.questions.map(
        q =>
          `${q.passed ? 'PASS' : 'FAIL'} ${q.title} (${
            q.score
          }/100): ${q.reasons.join('; ')}`,
      );
      ctx.logger.info(
        `Wrapper test for ${proposal.toolName}: ${result.verdict}\n${lines.join(
          '\n',
        )}`,
      );
      if (failOnReject && result.verdict !== 'pass') {
        throw new Error(
          `Wrapper test verdict for '${
            proposal.toolName
          }': ${result.verdict.toUpperCase()} (score ${
            result.score
          }/100)\n${result.reasons.map(r => `- ${r}`).join('\n')}`,
        );
      }
    },
  });
}
