import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/**
 * Whether the caller may read catalog entities: every entity (ALLOW), none (DENY), or
 * those the catalog's conditions let through (CONDITIONAL), which only the catalog can
 * resolve.
 *
 * @internal
 */
export async function entityReadAccess(options: {
  permissions: PermissionsService;
  credentials: BackstageCredentials;
}): Promise<AuthorizeResult> {
  const [decision] = await options.permissions.authorizeConditional(
    [{ permission: catalogEntityReadPermission }],
    { credentials: options.credentials },
  );
  return decision.result;
}

/**
 * The entity refs the caller may read; undefined when they may read every entity (an
 * unconditional ALLOW, as with the allow-all policy), so no per-entity filtering is
 * needed. Conditional decisions are resolved by the catalog itself.
 *
 * @internal
 */
export async function readableEntityRefs(options: {
  permissions: PermissionsService;
  catalog: CatalogService;
  credentials: BackstageCredentials;
}): Promise<Set<string> | undefined> {
  const { catalog, credentials } = options;
  const access = await entityReadAccess(options);
  if (access === AuthorizeResult.ALLOW) return undefined;
  const refs = new Set<string>();
  if (access === AuthorizeResult.DENY) return refs;
  for await (const page of catalog.streamEntities(
    { fields: ['kind', 'metadata.name', 'metadata.namespace'] },
    { credentials },
  )) {
    for (const entity of page) refs.add(stringifyEntityRef(entity));
  }
  return refs;
}
