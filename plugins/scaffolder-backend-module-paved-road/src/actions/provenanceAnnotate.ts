import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { PAVED_ROAD_ANNOTATIONS } from '@paved-road/backstage-plugin-common';
import { setCatalogAnnotations } from '../lib/catalogInfo';
import { runningTemplate } from '../lib/runningTemplate';
import { examples } from './provenanceAnnotate.examples';

/**
 * `paved-road:provenance:annotate`: writes golden-path provenance (template ref, template
 * version, time of scaffolding) into the workspace's catalog-info.yaml, keeping its
 * comments and formatting. Idempotent: a second run changes nothing.
 *
 * @public
 */
export function createProvenanceAnnotateAction() {
  return createTemplateAction({
    id: 'paved-road:provenance:annotate',
    description:
      "Stamps golden-path provenance (template ref and version, time of scaffolding) on the workspace's catalog-info.yaml",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        catalogInfoPath: z =>
          z
            .string()
            .default('catalog-info.yaml')
            .describe('The entity file in the workspace'),
        templateRef: z =>
          z.string().optional().describe('Defaults to the running template'),
        templateVersion: z =>
          z
            .string()
            .optional()
            .describe(
              "Defaults to the running template's backstage.io/template-version",
            ),
        scaffoldedAt: z =>
          z
            .string()
            .datetime({ offset: true })
            .optional()
            .describe(
              'ISO 8601 time; defaults to now, and an existing value is kept',
            ),
      },
      output: {
        templateRef: z => z.string(),
        templateVersion: z => z.string(),
        scaffoldedAt: z => z.string(),
        changed: z => z.boolean().describe('Whether the file was changed'),
      },
    },
    async handler(ctx) {
      const { catalogInfoPath = 'catalog-info.yaml' } = ctx.input;
      const { templateRef, templateVersion } = runningTemplate(
        ctx.input,
        ctx.templateInfo,
      );
      if (
        ctx.input.scaffoldedAt &&
        Number.isNaN(Date.parse(ctx.input.scaffoldedAt))
      ) {
        throw new InputError(
          `input.scaffoldedAt must be an ISO 8601 time, got '${ctx.input.scaffoldedAt}'`,
        );
      }

      let scaffoldedAt = '';
      const changed = await setCatalogAnnotations(
        ctx.workspacePath,
        catalogInfoPath,
        current => {
          scaffoldedAt =
            ctx.input.scaffoldedAt ??
            current[PAVED_ROAD_ANNOTATIONS.scaffoldedAt] ??
            new Date().toISOString();
          return {
            [PAVED_ROAD_ANNOTATIONS.sourceTemplate]: templateRef,
            [PAVED_ROAD_ANNOTATIONS.templateVersion]: templateVersion,
            [PAVED_ROAD_ANNOTATIONS.scaffoldedAt]: scaffoldedAt,
          };
        },
      );
      ctx.output('templateRef', templateRef);
      ctx.output('templateVersion', templateVersion);
      ctx.output('scaffoldedAt', scaffoldedAt);
      ctx.output('changed', changed);
    },
  });
}
