import { PermissionsService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Campaign } from '@paved-road/backstage-plugin-common';
import { CampaignProgressReader } from './CampaignProgressReader';
import { campaignVisible } from './campaignRoutes';
import { CampaignSource } from './campaignSource';
import { readableEntityRefs } from './visibility';

/** Entities to do an action answers at most. */
const MAX_TODO = 200;

/** A campaign's goal in words, e.g. `pass startup-probe of production-readiness`. */
export function goalInWords(goal: Campaign['goal']): string {
  switch (goal.type) {
    case 'level':
      return `reach level ${goal.level} of scorecard ${goal.scorecard}`;
    case 'checks':
      return `pass ${goal.checks.join(', ')} of scorecard ${goal.scorecard}`;
    default:
      return `be on ${goal.template} ${goal.range}`;
  }
}

/**
 * Registers the campaign read actions (for MCP clients and other action consumers):
 * `list-campaigns` and `get-campaign-progress`, both reading with the caller's
 * credentials, as the HTTP API does.
 *
 * @internal
 */
export function registerCampaignActions(options: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  permissions: PermissionsService;
  campaignSource: CampaignSource;
  reader: CampaignProgressReader;
}) {
  const { actionsRegistry, catalog, permissions, campaignSource, reader } =
    options;

  actionsRegistry.register({
    name: 'list-campaigns',
    title: 'List Paved Road campaigns',
    description:
      'Lists the Paved Road campaigns (platform initiatives with a goal, a scope and a deadline, such as "every production service has a startup probe by 31 January") with their progress: entities in scope, done, exempt, to do, and days left to the deadline.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
          items: z.array(
            z.object({
              id: z.string(),
              title: z.string(),
              owner: z.string(),
              goal: z.string(),
              deadline: z.string(),
              daysLeft: z.number(),
              entities: z.number(),
              done: z.number(),
              exempt: z.number(),
              todo: z.number(),
            }),
          ),
        }),
    },
    action: async ({ credentials }) => {
      const readable = await readableEntityRefs({
        permissions,
        catalog,
        credentials,
      });
      const items = [];
      for (const campaign of await campaignSource.all()) {
        if (!campaignVisible(readable, campaign)) continue;
        const progress = await reader.progress(campaign, readable);
        items.push({
          id: campaign.id,
          title: campaign.title,
          owner: campaign.owner,
          goal: goalInWords(campaign.goal),
          deadline: campaign.deadline,
          daysLeft: progress.daysLeft,
          entities: progress.entities,
          done: progress.done,
          exempt: progress.exempt,
          todo: progress.todo,
        });
      }
      return { output: { items } };
    },
  });

  actionsRegistry.register({
    name: 'get-campaign-progress',
    title: 'Get the progress of a Paved Road campaign',
    description:
      "Returns a campaign's goal, deadline and progress (done, exempt, to do, overdue, per team over the group tree) and the entities still to do, each with what it fails and the remediation. Narrow the entities to an owner (a group with its subgroups, or a user) to see one team's work.",
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          id: z.string().describe('Campaign id, e.g. startup-probes'),
          owner: z
            .string()
            .optional()
            .describe(
              'Only the entities of this group (with its subgroups) or user, e.g. group:default/payments',
            ),
        }),
      output: z =>
        z.object({
          id: z.string(),
          title: z.string(),
          goal: z.string(),
          deadline: z.string(),
          daysLeft: z.number(),
          entities: z.number(),
          done: z.number(),
          exempt: z.number(),
          todo: z.number(),
          overdue: z.number(),
          teams: z.array(
            z.object({
              ref: z.string(),
              entities: z.number(),
              done: z.number(),
              exempt: z.number(),
              todo: z.number(),
            }),
          ),
          todoEntities: z.array(
            z.object({
              entityRef: z.string(),
              owner: z.string().nullable(),
              overdue: z.boolean(),
              todo: z.array(
                z.object({ title: z.string(), remediation: z.string() }),
              ),
            }),
          ),
          totalTodoEntities: z.number(),
        }),
    },
    action: async ({ input, credentials }) => {
      let owner: string | undefined;
      if (input.owner !== undefined) {
        try {
          const parsed = parseEntityRef(input.owner, {
            defaultKind: 'group',
            defaultNamespace: 'default',
          });
          if (!['group', 'user'].includes(parsed.kind.toLowerCase())) {
            throw new Error('not a group or user');
          }
          owner = stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
        } catch {
          throw new InputError(
            `owner must be a group or user entity ref, got '${input.owner}'`,
          );
        }
      }
      const readable = await readableEntityRefs({
        permissions,
        catalog,
        credentials,
      });
      const campaign = await campaignSource.get(input.id);
      if (!campaign || !campaignVisible(readable, campaign)) {
        throw new NotFoundError(`No campaign ${input.id}`);
      }
      const progress = await reader.progress(campaign, readable);
      const page = await reader.entities(campaign, readable, {
        state: 'todo',
        owner,
        limit: MAX_TODO,
      });
      return {
        output: {
          id: campaign.id,
          title: campaign.title,
          goal: goalInWords(campaign.goal),
          deadline: campaign.deadline,
          daysLeft: progress.daysLeft,
          entities: progress.entities,
          done: progress.done,
          exempt: progress.exempt,
          todo: progress.todo,
          overdue: progress.overdue,
          teams: progress.teams.map(
            ({ ref, entities, done, exempt, todo }) => ({
              ref,
              entities,
              done,
              exempt,
              todo,
            }),
          ),
          todoEntities: page.items.map(item => ({
            entityRef: item.entityRef,
            owner: item.owner,
            overdue: item.overdue,
            todo: item.todo.map(t => ({
              title: t.title,
              remediation: t.remediation.markdown,
            })),
          })),
          totalTodoEntities: page.total,
        },
      };
    },
  });
}
