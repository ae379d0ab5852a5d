import { ApiRouter } from '@backstage/backend-openapi-utils';
import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Exemption,
  ExemptionRequest,
  ExemptionStatus,
  pavedRoadExemptionsApprovePermission,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { z } from 'zod';
import { ExemptionDecision, ExemptionStore } from '../database/ExemptionStore';
import { spec } from '../schema/openapi';
import { callerOf } from './caller';
import { day } from './campaignSchema';
import { CampaignSource } from './campaignSource';
import { entityRefSchema, refine } from './validation';
import { readableEntityRefs } from './visibility';

/** Options of {@link addExemptionRoutes}. @internal */
export interface ExemptionRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  catalog: CatalogService;
  exemptions: ExemptionStore;
  campaignSource: CampaignSource;
  evaluation: {
    getScorecards(): { definitions: ScorecardDefinition[] };
    evaluateEntity(entityRef: string): Promise<unknown>;
  };
  /** `pavedRoad.exemptions.maxDays`. */
  maxDays: number;
  /** Tells approvers of requests and requesters of decisions. */
  notifier?: { exemptionChanged(exemption: Exemption): Promise<void> };
  logger?: LoggerService;
  /** The clock; tests set it. */
  now?: () => Date;
}

const text = z.string().trim().min(1, 'must not be empty');

/** An exemption request's fields that need the loaded scorecards and the clock. */
function requestSchema(
  scorecards: ScorecardDefinition[],
  today: string,
  maxDays: number,
) {
  const latest = new Date(
    Date.parse(`${today}T00:00:00Z`) + maxDays * 86_400_000,
  )
    .toISOString()
    .slice(0, 10);
  const known = (id: string) => scorecards.find(s => s.id === id);
  const scorecard = z.string().superRefine((id, ctx) => {
    if (!known(id)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown scorecard '${id}'; loaded: ${scorecards
          .map(s => s.id)
          .join(', ')}`,
      });
    }
  });
  return z.object({
    entityRef: entityRefSchema(),
    target: z.discriminatedUnion('type', [
      z
        .object({ type: z.literal('check'), scorecard, check: z.string() })
        .strict()
        .superRefine((target, ctx) => {
          const card = known(target.scorecard);
          if (card && !card.checks.some(c => c.id === target.check)) {
            ctx.addIssue({
              code: 'custom',
              path: ['check'],
              message: `unknown check '${target.check}' of scorecard '${target.scorecard}'`,
            });
          }
        }),
      z.object({ type: z.literal('scorecard'), scorecard }).strict(),
      z.object({ type: z.literal('campaign'), campaign: z.string() }).strict(),
    ]),
    reason: text,
    link: z
      .string()
      .refine(value => {
        try {
          return ['http:', 'https:'].includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, 'must be an http(s) URL')
      .optional(),
    expiresOn: day.superRefine((value, ctx) => {
      if (value <= today) {
        ctx.addIssue({
          code: 'custom',
          message: `must be after today (${today}), got ${value}`,
        });
      } else if (value > latest) {
        ctx.addIssue({
          code: 'custom',
          message: `must be at most ${maxDays} days away (${latest}, pavedRoad.exemptions.maxDays), got ${value}`,
        });
      }
    }),
  });
}

/** The refs that own an entity: its `ownedBy` relations, else its `spec.owner`. */
function ownersOf(entity: Entity): string[] {
  const related = (entity.relations ?? [])
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => r.targetRef);
  if (related.length) return related;
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string') return [];
  try {
    return [
      stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      ),
    ];
  } catch {
    return [];
  }
}

/** An entity's escape hatches as recorded in its stored provenance facts. */
function escapeHatches(
  entityRef: string,
  facts: { provenance?: { escapeHatches?: unknown } } | undefined,
  evaluatedAt: string,
): Exemption[] {
  const hatches = facts?.provenance?.escapeHatches;
  if (!Array.isArray(hatches)) return [];
  return hatches
    .filter(h => typeof h?.guardrail === 'string')
    .map(h => ({
      id: `escape-hatch:${h.guardrail}`,
      source: 'escape-hatch' as const,
      entityRef,
      target: { type: 'guardrail' as const, guardrail: String(h.guardrail) },
      reason: String(h.reason ?? ''),
      expiresOn: '',
      status: 'approved' as const,
      requestedBy: 'scaffolder',
      requestedAt: evaluatedAt,
    }));
}

/**
 * Adds the exemption routes: listing exemptions (with an entity's escape hatches) and
 * their audit log, for any user or service reading the entities; requesting one, by an
 * owner of the entity or a holder of `paved-road.exemptions.approve`; approving,
 * rejecting and revoking, by a holder of that permission other than the requester.
 * Each decision re-evaluates the entity at once.
 *
 * @internal
 */
export function addExemptionRoutes(
  router: ApiRouter<typeof spec>,
  options: ExemptionRoutesOptions,
) {
  const { httpAuth, permissions, catalog, exemptions } = options;
  const now = options.now ?? (() => new Date());

  /** Notifies of a request or decision; a failure is logged, the change stands. */
  const tell = async (exemption: Exemption) => {
    try {
      await options.notifier?.exemptionChanged(exemption);
    } catch (error) {
      options.logger?.warn(
        `Paved Road: no notification for exemption ${exemption.id}: ${error}`,
      );
    }
  };

  const callerOfRequest = (
    req: Parameters<HttpAuthService['credentials']>[0],
  ) => httpAuth.credentials(req, { allow: ['user', 'service'] });

  const mayApprove = async (
    credentials: Awaited<ReturnType<typeof callerOfRequest>>,
  ) => {
    const [decision] = await permissions.authorize(
      [{ permission: pavedRoadExemptionsApprovePermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  };

  router.get('/exemptions', async (req, res) => {
    const credentials = await callerOfRequest(req);
    const query = refine(
      z.object({ entityRef: entityRefSchema().optional() }),
      req.query,
      'query parameters',
    );
    if (
      query.entityRef &&
      !(await catalog.getEntityByRef(query.entityRef, { credentials }))
    ) {
      throw new NotFoundError(`No entity ${query.entityRef} in the catalog`);
    }
    const readable = await readableEntityRefs({
      permissions,
      catalog,
      credentials,
    });
    const items = (
      await exemptions.list({
        entityRef: query.entityRef,
        statuses: query.status ? [query.status as ExemptionStatus] : undefined,
      })
    ).filter(e => !readable || readable.has(e.entityRef));
    if (query.entityRef) {
      const stored = await exemptions.storedFacts(query.entityRef);
      if (stored && (!query.status || query.status === 'approved')) {
        items.push(
          ...escapeHatches(query.entityRef, stored.facts, stored.evaluatedAt),
        );
      }
    }
    res.json({ items });
  });

  router.post('/exemptions', async (req, res) => {
    const credentials = await callerOfRequest(req);
    const today = now().toISOString().slice(0, 10);
    const body = refine(
      requestSchema(
        options.evaluation.getScorecards().definitions,
        today,
        options.maxDays,
      ),
      req.body,
      'request body',
    ) as ExemptionRequest;
    const entity = await catalog.getEntityByRef(body.entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${body.entityRef} in the catalog`);
    }
    if (
      body.target.type === 'campaign' &&
      !(await options.campaignSource.get(body.target.campaign))
    ) {
      throw new InputError(
        `Invalid request body: target.campaign: no campaign '${body.target.campaign}'`,
      );
    }
    const owners = ownersOf(entity);
    const owns =
      credentials.principal.type === 'user' &&
      (
        await options.userInfo.getUserInfo(
          credentials as Parameters<UserInfoService['getUserInfo']>[0],
        )
      ).ownershipEntityRefs.some(ref => owners.includes(ref));
    if (!owns && !(await mayApprove(credentials))) {
      throw new NotAllowedError(
        `Not allowed: only an owner of ${body.entityRef} (${
          owners.join(', ') || 'no owner'
        }) or a holder of ${
          pavedRoadExemptionsApprovePermission.name
        } may request its exemptions`,
      );
    }
    const requested = await exemptions.request(
      body,
      callerOf(credentials),
      now(),
    );
    await tell(requested);
    res.status(201).json(requested);
  });

  const decide =
    (decision: ExemptionDecision) => async (req: any, res: any) => {
      const credentials = await callerOfRequest(req);
      const body = refine(
        z.object({ note: text.optional() }),
        req.body ?? {},
        'request body',
      );
      const exemption = await exemptions.get(req.params.id);
      const readable = await readableEntityRefs({
        permissions,
        catalog,
        credentials,
      });
      if (!exemption || (readable && !readable.has(exemption.entityRef))) {
        throw new NotFoundError(`No exemption ${req.params.id}`);
      }
      if (!(await mayApprove(credentials))) {
        throw new NotAllowedError(
          `Not allowed: ${pavedRoadExemptionsApprovePermission.name} is required to ${decision} exemptions`,
        );
      }
      const by = callerOf(credentials);
      if (decision !== 'revoke' && by === exemption.requestedBy) {
        throw new NotAllowedError(
          `Not allowed: ${by} requested exemption ${exemption.id} and cannot ${decision} it; another holder of ${pavedRoadExemptionsApprovePermission.name} must`,
        );
      }
      const decided = await exemptions.decide(
        exemption.id,
        decision,
        by,
        body.note,
        now(),
      );
      await options.evaluation.evaluateEntity(decided.entityRef);
      await tell(decided);
      res.json(decided);
    };
  router.post('/exemptions/:id/approve', decide('approve'));
  router.post('/exemptions/:id/reject', decide('reject'));
  router.post('/exemptions/:id/revoke', decide('revoke'));

  router.get('/exemption-events', async (req, res) => {
    const credentials = await callerOfRequest(req);
    const { entityRef } = refine(
      z.object({ entityRef: entityRefSchema() }),
      req.query,
      'query parameters',
    );
    if (!(await catalog.getEntityByRef(entityRef, { credentials }))) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    res.json({ items: await exemptions.events({ entityRef }) });
  });
}
