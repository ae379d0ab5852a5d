import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  PAVED_ROAD_ANNOTATIONS,
  PavedRoadClient,
  durationToHours,
  parseVersion,
} from '@paved-road/backstage-plugin-common';
import { parseEntityRefInput } from '../lib/inputs';
import { examples } from './adoptionRecord.examples';

/**
 * `paved-road:adoption:record`: records the scaffold event (template, version, entity,
 * time saved, initiator) with the Paved Road backend, authenticated as this backend.
 * Template ref, version and time saved default to those of the running template.
 *
 * @public
 */
export function createAdoptionRecordAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  const client = new PavedRoadClient({ discoveryApi: options.discovery });
  return createTemplateAction({
    id: 'paved-road:adoption:record',
    description:
      'Records a golden-path scaffold event with the Paved Road backend, for adoption and hours-saved reporting',
    examples,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .min(1)
            .describe(
              'The entity the template created, e.g. component:default/cart-api',
            ),
        templateRef: z =>
          z
            .string()
            .optional()
            .describe('The template; defaults to the running template'),
        templateVersion: z =>
          z
            .string()
            .optional()
            .describe(
              "The template's version; defaults to its backstage.io/template-version",
            ),
        hoursSaved: z =>
          z
            .number()
            .min(0)
            .max(10_000)
            .optional()
            .describe(
              "Hours one run saves; defaults to the template's backstage.io/time-saved",
            ),
      },
      output: {
        eventId: z =>
          z.string().describe('The id of the recorded scaffold event'),
        hoursSaved: z => z.number().describe('The hours recorded as saved'),
      },
    },
    async handler(ctx) {
      const annotations = ctx.templateInfo?.entity?.metadata.annotations ?? {};
      const rawTemplateRef =
        ctx.input.templateRef ?? ctx.templateInfo?.entityRef;
      if (!rawTemplateRef) {
        throw new InputError(
          'input.templateRef is required when the action does not run inside a template',
        );
      }
      // Checked here as the backend checks them, so a bad value is named as the input
      // it came from rather than refused by the backend with a bare 400.
      const entityRef = parseEntityRefInput(
        ctx.input.entityRef,
        'input.entityRef',
      );
      const templateRef = parseEntityRefInput(
        rawTemplateRef,
        'input.templateRef',
        { defaultKind: 'template', kind: 'template' },
      );
      const timeSaved = annotations[PAVED_ROAD_ANNOTATIONS.timeSaved];
      const hoursSaved =
        ctx.input.hoursSaved ??
        (timeSaved
          ? durationToHours(
              timeSaved,
              `template annotation '${PAVED_ROAD_ANNOTATIONS.timeSaved}'`,
            )
          : 0);
      const templateVersion =
        ctx.input.templateVersion ??
        annotations[PAVED_ROAD_ANNOTATIONS.templateVersion];
      if (templateVersion !== undefined) {
        parseVersion(
          templateVersion,
          ctx.input.templateVersion === undefined
            ? `template annotation '${PAVED_ROAD_ANNOTATIONS.templateVersion}'`
            : 'input.templateVersion',
        );
      }

      const event = await ctx.checkpoint({
        key: `paved-road.adoption.${ctx.input.entityRef}`,
        fn: async () => {
          const { token } = await options.auth.getPluginRequestToken({
            onBehalfOf: await options.auth.getOwnServiceCredentials(),
            targetPluginId: 'paved-road',
          });
          const recorded = await client
            .recordScaffoldEvent(
              {
                templateRef,
                templateVersion,
                entityRef,
                hoursSaved,
                initiatedBy: ctx.user?.ref,
              },
              { token },
            )
            .catch(error => {
              // The backend's 400 names the offending field in its cause.
              if (
                isError(error) &&
                error.name === 'ResponseError' &&
                (error as { statusCode?: number }).statusCode === 400
              ) {
                throw new InputError(
                  `The Paved Road backend refused the scaffold event: ${
                    isError(error.cause) ? error.cause.message : error.message
                  }`,
                );
              }
              throw error;
            });
          return { id: recorded.id, hoursSaved: recorded.hoursSaved };
        },
      });
      ctx.logger.info(
        `Recorded ${entityRef} scaffolded from ${templateRef}${
          templateVersion ? `@${templateVersion}` : ''
        }, ${event.hoursSaved} hours saved`,
      );
      ctx.output('eventId', event.id);
      ctx.output('hoursSaved', event.hoursSaved);
    },
  });
}
