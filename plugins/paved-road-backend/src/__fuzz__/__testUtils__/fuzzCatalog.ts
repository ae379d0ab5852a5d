import { Entity, stringifyEntityRef } from '@backstage/catalog-model';

/** The team whose entities the limited user may read. */
export const READABLE_OWNER = 'group:default/orders';

/** Kinds whose entities belong to a team; the limited user reads those of {@link READABLE_OWNER} only. */
const OWNED_KINDS = new Set(['component', 'api', 'system', 'resource']);

const ownerOf = (entity: Entity) => {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string') return undefined;
  return owner.includes(':') ? owner : `group:default/${owner}`;
};

/**
 * Splits the catalog for the limited user of `partialVisibility`: the orders team's
 * components, APIs and system are readable, as are every group, user, domain, template
 * and location (an ownership policy's usual shape); every other team's components,
 * APIs and systems are not (payments-api among them).
 */
export function splitCatalog(entities: Entity[]) {
  const unreadable = new Set<string>();
  for (const entity of entities) {
    if (
      OWNED_KINDS.has(entity.kind.toLocaleLowerCase('en-US')) &&
      ownerOf(entity) !== READABLE_OWNER
    ) {
      unreadable.add(stringifyEntityRef(entity));
    }
  }
  const refs = entities.map(e => stringifyEntityRef(e));
  return {
    refs,
    unreadable,
    readable: (entityRef: string) =>
      !unreadable.has(entityRef.toLocaleLowerCase('en-US')),
  };
}
