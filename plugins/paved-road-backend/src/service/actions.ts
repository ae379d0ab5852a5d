import { PermissionsService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DatabaseResultsStore } from '../database/DatabaseResultsStore';
import { CatalogIndex } from './CatalogIndex';
import { ScorecardEvaluationService } from './ScorecardEvaluationService';
import { readableEntityRefs } from './visibility';

/**
 * Registers the read actions (for MCP clients and other action consumers): an entity's
 * scorecards, and the failing checks of everything an owner (with its subgroups) owns.
 * Both read with the caller's credentials.
 *
 * @internal
 */
export function registerScorecardActions(options: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  permissions: PermissionsService;
  results: DatabaseResultsStore;
  index: CatalogIndex;
  evaluation: ScorecardEvaluationService;
}) {
  const { actionsRegistry, catalog, permissions, results, index, evaluation } =
    options;
  const checkInfo = (scorecardId: string, checkId: string) => {
    const check = evaluation
      .getScorecards()
      .definitions.find(d => d.id === scorecardId)
      ?.checks.find(c => c.id === checkId);
    return {
      checkId,
      title: check?.title ?? checkId,
      remediation: check?.remediation.markdown ?? '',
    };
  };

  actionsRegistry.register({
    name: 'get-entity-scorecards',
    title: 'Get the scorecards of an entity',
    description:
      'Returns the stored Paved Road scorecard results of one catalog entity: the level reached on each scorecard, what is missing for the next level, and every check status.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('Entity ref, e.g. component:default/orders-api'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          stale: z.boolean(),
          results: z.array(
            z.object({
              scorecardId: z.string(),
              level: z.string().nullable(),
              nextLevel: z.string().nullable(),
              missingForNext: z.array(z.string()),
              checks: z.array(
                z.object({
                  checkId: z.string(),
                  status: z.string(),
                  reason: z.string().optional(),
                }),
              ),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const entity = await catalog.getEntityByRef(input.entityRef, {
        credentials,
      });
      if (!entity) {
        throw new NotFoundError(`No entity ${input.entityRef} in the catalog`);
      }
      const entityRef = stringifyEntityRef(entity);
      const stored = await results.getEntity(entityRef);
      return {
        output: {
          entityRef,
          stale: stored?.entity.stale ?? false,
          results: stored?.results ?? [],
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'list-failing-checks',
    title: 'List failing scorecard checks of an owner',
    description:
      'Lists the failing Paved Road checks of every entity owned by a group (including its subgroups) or a user, with the remediation for each.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          owner: z
            .string()
            .describe('Group or user entity ref, e.g. group:default/payments'),
          scorecard: z.string().optional().describe('Only this scorecard id'),
        }),
      output: z =>
        z.object({
          items: z.array(
            z.object({
              entityRef: z.string(),
              scorecardId: z.string(),
              level: z.string().nullable(),
              failing: z.array(
                z.object({
                  checkId: z.string(),
                  title: z.string(),
                  remediation: z.string(),
                }),
              ),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      if (!/^(group|user):/i.test(input.owner)) {
        throw new InputError('owner must be a group or user entity ref');
      }
      const owner = input.owner.toLocaleLowerCase('en-US');
      await index.ensureFresh();
      const page = await results.listResults({
        scorecard: input.scorecard,
        owners: owner.startsWith('group:')
          ? index.descendantsOf(owner)
          : [owner],
        sort: 'entityRef',
        order: 'asc',
        limit: 10_000,
        offset: 0,
        visibleRefs: await readableEntityRefs({
          permissions,
          catalog,
          credentials,
        }),
      });
      return {
        output: {
          items: page.items
            .map(row => ({
              entityRef: row.entityRef,
              scorecardId: row.scorecardId,
              level: row.level,
              failing: row.checks
                .filter(c => c.status === 'fail')
                .map(c => checkInfo(row.scorecardId, c.checkId)),
            }))
            .filter(item => item.failing.length > 0),
        },
      };
    },
  });
}
