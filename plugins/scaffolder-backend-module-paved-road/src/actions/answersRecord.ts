import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveInputPath } from '../lib/inputs';
import { runningTemplate } from '../lib/runningTemplate';
import {
  ANSWERS_PATH,
  stringifyAnswers,
  withoutSecrets,
} from '../upgrade/answers';
import { examples } from './answersRecord.examples';

/**
 * `paved-road:answers:record`: writes the inputs a template ran with (template ref,
 * release, the form's values; never secrets) to `.paved-road/answers.yaml` in the
 * workspace, so `paved-road:template:upgrade` can render the golden path again later.
 *
 * @public
 */
export function createAnswersRecordAction() {
  return createTemplateAction({
    id: 'paved-road:answers:record',
    description:
      'Records the template, its version and the form values (never secrets) in .paved-road/answers.yaml, for template upgrades',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        values: z =>
          z
            .record(z.unknown())
            .describe("The form's values, usually ${{ parameters }}"),
        exclude: z =>
          z
            .array(z.string())
            .optional()
            .describe('Parameters to leave out of the file'),
        path: z =>
          z
            .string()
            .optional()
            .describe(`Workspace file to write; defaults to ${ANSWERS_PATH}`),
        templateRef: z =>
          z.string().optional().describe('Defaults to the running template'),
        templateVersion: z =>
          z
            .string()
            .optional()
            .describe(
              "Defaults to the running template's backstage.io/template-version",
            ),
      },
      output: {
        path: z => z.string().describe('The file written'),
        templateRef: z => z.string(),
        templateVersion: z => z.string(),
      },
    },
    async handler(ctx) {
      const { values, exclude = [], path: file = ANSWERS_PATH } = ctx.input;
      const { templateRef, templateVersion } = runningTemplate(
        ctx.input,
        ctx.templateInfo,
      );
      const target = resolveInputPath(ctx.workspacePath, file, 'input.path');
      const text = stringifyAnswers({
        template: templateRef,
        version: templateVersion,
        values: withoutSecrets(values, ctx.secrets ?? {}, exclude),
      });
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, text);
      ctx.output('path', file);
      ctx.output('templateRef', templateRef);
      ctx.output('templateVersion', templateVersion);
    },
  });
}
