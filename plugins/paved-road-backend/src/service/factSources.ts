import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  PAVED_ROAD_ANNOTATIONS,
  readGoldenPathProvenance,
  templateDrift,
} from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';

/** Facts read straight off the catalog entity. */
export const entityFactSource: PavedRoadFactSource = {
  id: 'entity',
  description:
    'Kind, type, ownership, lifecycle, tags and annotations of the catalog entity',
  async collect({ entity }) {
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const annotations = entity.metadata.annotations ?? {};
    return {
      kind: entity.kind,
      type: spec.type ?? null,
      owner: spec.owner ?? null,
      system: spec.system ?? null,
      lifecycle: spec.lifecycle ?? null,
      tags: entity.metadata.tags ?? [],
      hasTechDocs: Boolean(annotations['backstage.io/techdocs-ref']),
      annotations,
      relations: (entity.relations ?? []).map(r => ({
        type: r.type,
        targetRef: r.targetRef,
      })),
    };
  },
};

/**
 * Golden-path provenance, compared with the latest version of the template the entity
 * came from (read from the Template entity in the catalog).
 */
export function createProvenanceFactSource(options: {
  catalog: CatalogService;
  auth: AuthService;
  /** A batched lookup of templates; one catalog request per entity otherwise. */
  template?: (
    ref: string,
  ) => Promise<{ found: boolean; latestVersion: string | null }>;
}): PavedRoadFactSource {
  return {
    id: 'provenance',
    description:
      'Golden-path template and version an entity was scaffolded from, and its drift from the latest version',
    async collect({ entity }) {
      const lookupTemplate = async (ref: string) => {
        const template = await options.catalog.getEntityByRef(ref, {
          credentials: await options.auth.getOwnServiceCredentials(),
        });
        return {
          found: Boolean(template),
          latestVersion:
            template?.metadata.annotations?.[
              PAVED_ROAD_ANNOTATIONS.templateVersion
            ] ?? null,
        };
      };
      const provenance = readGoldenPathProvenance(entity);
      if (!provenance) {
        return { goldenPath: false };
      }
      const { found, latestVersion: latest } = options.template
        ? await options.template(provenance.templateRef)
        : await lookupTemplate(provenance.templateRef);
      return {
        goldenPath: true,
        ...provenance,
        templateFound: found,
        latestVersion: latest ?? null,
        drift:
          provenance.templateVersion && latest
            ? templateDrift(provenance.templateVersion, latest)
            : null,
      };
    },
  };
}

/**
 * An absolute path on the server: POSIX (`/srv/x`, also as a `file:` URL) or Windows
 * (`C:\\x`), starting a word (so URLs, entity refs and `a/b` are left alone), and with
 * a name after its first separator (so `3 / 4` and `/^[a-z]+$/` are not paths).
 */
const SERVER_PATH =
  /(?<=^|[\s'"`(=[,])(?:file:(?:\/\/)?)?(?:\/|[A-Za-z]:[\\/])[\w.@~+-][^\s'"`),;\]]*/g;

/**
 * `message` with every absolute path replaced by `<server path>`: what a fact source
 * failed with is recorded as a source error and a stale reason, which anyone who may read
 * the entity sees, and where the server keeps its files is not theirs to see.
 */
export function withoutServerPaths(message: string): string {
  return message.replace(SERVER_PATH, '<server path>');
}

/** Runs every applicable source for one entity; a failing source is reported, not fatal. */
export async function collectFacts(
  sources: PavedRoadFactSource[],
  entity: Entity,
) {
  const facts: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  await Promise.all(
    sources
      .filter(source => source.appliesTo?.(entity) ?? true)
      .map(async source => {
        try {
          facts[source.id] = await source.collect({ entity });
        } catch (error) {
          // isError, not instanceof: Node's own errors may come from another realm.
          errors[source.id] = withoutServerPaths(
            isError(error) ? error.message : String(error),
          );
        }
      }),
  );
  return { entityRef: stringifyEntityRef(entity), facts, errors };
}
