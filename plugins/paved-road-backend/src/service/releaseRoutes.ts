import { ApiRouter } from '@backstage/backend-openapi-utils';
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TemplateReleaseStore } from '../database/TemplateReleaseStore';
import { spec } from '../schema/openapi';
import { createRefinements } from './refinements';
import { refine } from './validation';
import { readableEntityRefs } from './visibility';

/** Options of {@link addTemplateReleaseRoutes}. @internal */
export interface TemplateReleaseRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  releases: TemplateReleaseStore;
  refinements: ReturnType<typeof createRefinements>;
}

/**
 * Adds `GET /template-releases`: each template version's release time and when most of
 * its golden-path services were on it. The counts cover every entity, like the stored
 * aggregates' history: a caller who may not read every entity is refused, as for
 * `GET /history` of an aggregate scope.
 *
 * @internal
 */
export function addTemplateReleaseRoutes(
  router: ApiRouter<typeof spec>,
  options: TemplateReleaseRoutesOptions,
) {
  const { httpAuth, permissions, catalog, releases, refinements } = options;

  router.get('/template-releases', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = refine(
      refinements.ListTemplateReleases.query,
      req.query,
      'query parameters',
    );
    if (await readableEntityRefs({ permissions, catalog, credentials })) {
      throw new NotAllowedError(
        'Not allowed: template releases count entities you may not read',
      );
    }
    res.json({ items: await releases.list(query) });
  });
}
