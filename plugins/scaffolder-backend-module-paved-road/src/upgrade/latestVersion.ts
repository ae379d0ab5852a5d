import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  PAVED_ROAD_ANNOTATIONS,
  parseVersion,
} from '@paved-road/backstage-plugin-common';

/**
 * The version to upgrade to: `given` (checked as a semantic version, named `field`), or
 * else the template's current `backstage.io/template-version` in the catalog.
 */
export async function targetVersion(options: {
  given?: string;
  field: string;
  templateRef: string;
  catalog: CatalogService;
  credentials: BackstageCredentials;
}): Promise<string> {
  if (options.given) return parseVersion(options.given, options.field).version;
  const template = await options.catalog.getEntityByRef(options.templateRef, {
    credentials: options.credentials,
  });
  const latest =
    template?.metadata.annotations?.[PAVED_ROAD_ANNOTATIONS.templateVersion];
  if (!latest) {
    throw new InputError(
      `${options.field} is required: ${options.templateRef} is not in the catalog with a '${PAVED_ROAD_ANNOTATIONS.templateVersion}' annotation`,
    );
  }
  return parseVersion(latest, `${options.templateRef} version`).version;
}
