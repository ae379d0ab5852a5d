import { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { OwnerFacts } from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';

/**
 * The `owner` fact source: whether the entity's owner exists in the catalog. The
 * catalog keeps an `ownedBy` relation even when its target is missing (an orphaned
 * owner), so existence needs a lookup.
 *
 * @internal
 */
export function createOwnerFactSource(options: {
  catalog: CatalogService;
  auth: AuthService;
  /** A batched lookup (e.g. an index loaded once per pass); one catalog request per entity otherwise. */
  ownerExists?: (ref: string) => Promise<boolean>;
}): PavedRoadFactSource {
  return {
    id: 'owner',
    description:
      'The entity owner as an entity ref, its kind, and whether it exists in the catalog',
    async collect({ entity }): Promise<OwnerFacts & Record<string, unknown>> {
      const relation = entity.relations?.find(
        r => r.type === RELATION_OWNED_BY,
      );
      const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
      let ref: string | null = relation?.targetRef ?? null;
      if (!ref && typeof owner === 'string' && owner) {
        ref = stringifyEntityRef(
          parseEntityRef(owner, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        );
      }
      if (!ref) {
        return { ref: null, kind: null, exists: false };
      }
      const exists = options.ownerExists
        ? await options.ownerExists(ref)
        : Boolean(
            await options.catalog.getEntityByRef(ref, {
              credentials: await options.auth.getOwnServiceCredentials(),
            }),
          );
      return {
        ref,
        kind: parseEntityRef(ref).kind.toLocaleLowerCase('en-US'),
        exists,
      };
    },
  };
}
