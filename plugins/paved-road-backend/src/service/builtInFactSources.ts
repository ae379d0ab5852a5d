import { AuthService, UrlReaderService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';
import { createOwnerFactSource } from '../scorecards/ownerFactSource';
import { platformToolFactSource } from '../scorecards/platformToolFactSource';
import { createRepositoryFactSource } from '../scorecards/repositoryFactSource';
import { CatalogIndex } from './CatalogIndex';
import { createProvenanceFactSource, entityFactSource } from './factSources';

/**
 * The fact sources every Paved Road backend has: `entity`, `provenance`, `owner`,
 * `platformTool` and `repository`. Owner and template lookups go through the pass's
 * catalog index, not one catalog request per entity; a ref the index misses is
 * confirmed with the catalog (once per ref and refresh) before it counts as missing,
 * so an index loaded while the catalog was filling never fails a check.
 */
export function createBuiltInFactSources(options: {
  catalog: CatalogService;
  auth: AuthService;
  urlReader: UrlReaderService;
  index: CatalogIndex;
}): PavedRoadFactSource[] {
  const { catalog, auth, urlReader, index } = options;
  return [
    entityFactSource,
    createProvenanceFactSource({
      catalog,
      auth,
      template: ref => index.lookupTemplate(ref),
    }),
    createOwnerFactSource({
      catalog,
      auth,
      ownerExists: ref => index.lookupOwner(ref),
    }),
    platformToolFactSource,
    createRepositoryFactSource({ urlReader }),
  ];
}
