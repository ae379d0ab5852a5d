import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { InputError, isError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  PAVED_ROAD_ANNOTATIONS,
  PavedRoadClient,
  durationToHours,
  parseVersion,
} from '@paved-road/backstage-plugin-common';
import { parseEntityRefInput } from '../lib/inputs';
import { examples } from './adoptionRecord.examples';

/** The fields of a scaffold event that can come from the action's input. */
const FROM_INPUT = {
  entityRef: true,
  templateRef: true,
  templateVersion: true,
  hoursSaved: true,
};
type FromInput = keyof typeof FROM_INPUT;

/**
 * What the backend said when it refused the event: its message (a `ResponseError`
 * carries it in its body; its own message is only the status), with each field of
 * `Invalid request body: field: problem; ...` named as where its value came from
 * (`describeField`). A 400 is an `InputError`.
 */
function refusal(error: unknown, describeField: (field: string) => string) {
  if (!isError(error) || error.name !== 'ResponseError') return error;
  const { statusCode, statusText, body } = error as Partial<ResponseError>;
  const said = body?.error?.message;
  if (!said) return error;
  const invalid = said.match(/^Invalid request body: ([\s\S]*)$/);
  const problems = invalid
    ? invalid[1]
        // `field: problem; field2: problem`, as the backend joins them.
        .split(/; (?=[A-Za-z_$][\w$]*(?:[.[][^:]*)?: )/)
        .map(problem =>
          problem.replace(
            /^([A-Za-z_$][\w$]*)((?:[.[][^:]*)?): /,
            (_, field: string, rest: string) =>
              `${describeField(field)}${rest ? ` (at ${field}${rest})` : ''}: `,
          ),
        )
        .join('; ')
    : said;
  const message = `The Paved Road backend refused the scaffold event${
    statusCode === 400 ? '' : ` (${statusCode} ${statusText})`
  }: ${problems}`;
  return statusCode === 400 ? new InputError(message) : new Error(message);
}

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

      /** Where the value the backend got as `field` came from: the input or the template. */
      const describeField = (field: string) => {
        if (
          field in FROM_INPUT &&
          ctx.input[field as FromInput] !== undefined
        ) {
          return `input.${field}`;
        }
        switch (field) {
          case 'templateRef':
            return `templateRef (the running template, '${templateRef}')`;
          case 'templateVersion':
            return `template annotation '${PAVED_ROAD_ANNOTATIONS.templateVersion}' ('${templateVersion}')`;
          case 'hoursSaved':
            return `template annotation '${PAVED_ROAD_ANNOTATIONS.timeSaved}' ('${timeSaved}', ${hoursSaved} hours saved)`;
          case 'initiatedBy':
            return `initiatedBy (the user running the template, '${ctx.user?.ref}')`;
          default:
            return field;
        }
      };

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
              throw refusal(error, describeField);
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
