import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';

/**
 * Facts about one entity, keyed by fact name. Values are JSON.
 *
 * @public
 */
export type PavedRoadFacts = Record<string, unknown>;

/**
 * A source of facts about catalog entities, such as the entity itself, its golden-path
 * provenance, its repository's files, or a module's own system.
 *
 * @public
 */
export interface PavedRoadFactSource {
  /** Unique id; facts from this source are exposed under this key. */
  id: string;
  /** One sentence shown in listings of fact sources. */
  description: string;
  /** Whether this source has facts for the entity; all entities when omitted. */
  appliesTo?(entity: Entity): boolean;
  /** Collects the facts for one entity. Throwing marks the source's facts as failed. */
  collect(options: { entity: Entity }): Promise<PavedRoadFacts>;
}

/**
 * Lets backend modules add fact sources to the Paved Road backend.
 *
 * @public
 */
export interface PavedRoadFactSourcesExtensionPoint {
  addFactSource(...sources: PavedRoadFactSource[]): void;
}

/**
 * The extension point for fact sources, id `paved-road.fact-sources`.
 *
 * @public
 */
export const pavedRoadFactSourcesExtensionPoint =
  createExtensionPoint<PavedRoadFactSourcesExtensionPoint>({
    id: 'paved-road.fact-sources',
  });
