import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** The user of {@link partialVisibility}: may read only the entities it is given. */
export const limitedUser = mockCredentials.user('user:default/limited');
/** `Authorization` header of {@link limitedUser}. */
export const limitedUserHeader = mockCredentials.user.header(
  'user:default/limited',
);

/**
 * A catalog and a permission service under which {@link limitedUser} may read only the
 * entities `readable` accepts, as a conditional `catalog.entity.read` decision the
 * catalog resolves (the way an ownership policy works); every other principal reads
 * everything, and every other permission is allowed. The catalog filters every entity
 * read (get, by refs, query, stream) for that user, as the real catalog applies
 * conditions.
 */
export function partialVisibility(options: {
  entities: Entity[];
  readable: (entityRef: string) => boolean;
}) {
  const catalog = catalogServiceMock({ entities: options.entities });
  const limited = (credentials?: BackstageCredentials) =>
    (credentials?.principal as { userEntityRef?: string } | undefined)
      ?.userEntityRef === limitedUser.principal.userEntityRef;
  const visible = (entity: Entity | undefined, credentials: any) =>
    entity !== undefined &&
    (!limited(credentials) || options.readable(stringifyEntityRef(entity)));

  const filtered: Partial<CatalogService> = {
    async getEntityByRef(ref, opts) {
      const entity = await catalog.getEntityByRef(ref, opts);
      return visible(entity, opts?.credentials) ? entity : undefined;
    },
    async getEntities(req, opts) {
      const res = await catalog.getEntities(req, opts);
      return {
        ...res,
        items: res.items.filter(e => visible(e, opts?.credentials)),
      };
    },
    async getEntitiesByRefs(req, opts) {
      const res = await catalog.getEntitiesByRefs(req, opts);
      return {
        ...res,
        items: res.items.map(e =>
          visible(e, opts?.credentials) ? e : undefined,
        ),
      };
    },
    async queryEntities(req, opts) {
      const res = await catalog.queryEntities(req, opts);
      const items = res.items.filter(e => visible(e, opts?.credentials));
      return { ...res, items, totalItems: items.length };
    },
    async *streamEntities(req, opts) {
      for await (const page of catalog.streamEntities(req, opts)) {
        yield page.filter(e => visible(e, opts?.credentials));
      }
    },
  };
  const service = new Proxy(catalog, {
    get(target, prop) {
      if (prop in filtered) return (filtered as any)[prop];
      const value = (target as any)[prop];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as CatalogService;

  const permissions: PermissionsService = {
    authorize: async requests =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    authorizeConditional: async (requests, opts) =>
      requests.map(() =>
        limited(opts?.credentials)
          ? {
              result: AuthorizeResult.CONDITIONAL,
              pluginId: 'catalog',
              resourceType: 'catalog-entity',
              conditions: {
                rule: 'IS_ENTITY_OWNER',
                resourceType: 'catalog-entity',
                params: { claims: ['user:default/limited'] },
              },
            }
          : { result: AuthorizeResult.ALLOW },
      ),
  };

  return {
    catalog: service,
    permissions,
    /** The backend features that install both. */
    features: [
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => service,
      }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => permissions,
      }),
    ],
  };
}
