import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { parseRepositoryYaml } from '@paved-road/backstage-plugin-common';
import { GuardrailViolation, WorkspaceFiles } from './types';

const REFERENCES = [
  { field: 'owner', defaultKind: 'group' },
  { field: 'system', defaultKind: 'system' },
] as const;

/**
 * Checks that the owner and system the generated catalog-info.yaml names exist in the
 * catalog (read with the credentials of the user running the template), so a typo in
 * the form does not produce an orphaned service.
 */
export async function checkCatalogReferences(
  files: WorkspaceFiles,
  catalogInfoPath: string,
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<GuardrailViolation[]> {
  const text = files.get(catalogInfoPath);
  if (!text) return [];
  const { documents } = parseRepositoryYaml(new Map([[catalogInfoPath, text]]));
  const violations: GuardrailViolation[] = [];
  for (const { object } of documents) {
    const namespace = object.metadata?.namespace ?? 'default';
    type Wanted = { field: string; raw: string; ref?: string };
    const wanted = REFERENCES.flatMap(({ field, defaultKind }): Wanted[] => {
      const raw = object.spec?.[field];
      if (typeof raw !== 'string' || !raw) return [];
      try {
        const ref = stringifyEntityRef(
          parseEntityRef(raw, { defaultKind, defaultNamespace: namespace }),
        );
        return [{ field, raw, ref }];
      } catch {
        return [{ field, raw, ref: undefined }];
      }
    });
    if (!wanted.length) continue;
    const refs = wanted.flatMap(w => (w.ref ? [w.ref] : []));
    const { items } = refs.length
      ? await catalog.getEntitiesByRefs(
          { entityRefs: refs, fields: ['kind', 'metadata.name'] },
          { credentials },
        )
      : { items: [] };
    const found = new Set(refs.filter((_, i) => items[i]));
    for (const { field, raw, ref } of wanted) {
      if (!ref || !found.has(ref)) {
        violations.push({
          guardrail: 'catalog-info',
          file: catalogInfoPath,
          location: `${object.kind}/${object.metadata?.name} spec.${field}`,
          message: `'${raw}' is not an entity in the catalog`,
        });
      }
    }
  }
  return violations;
}
