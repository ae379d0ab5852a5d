import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  durationToHours,
  PAVED_ROAD_ANNOTATIONS,
} from '@paved-road/backstage-plugin-common';

const MAX_AGE_MS = 60_000;
/**
 * A lookup that misses an index older than this refreshes it first (one refresh for
 * every lookup waiting), so an index loaded while the catalog was still filling does
 * not answer for long.
 */
const MISS_REFRESH_AFTER_MS = 5_000;

/**
 * A small index of the catalog's organisational entities (groups, users, systems,
 * templates), loaded in one streamed query per refresh, so fact sources and roll-ups do
 * not make one catalog request per entity.
 *
 * @internal
 */
export class CatalogIndex {
  private owners = new Set<string>();
  private parents = new Map<string, string>();
  private children = new Map<string, string[]>();
  private systemDomains = new Map<string, string>();
  private templateVersions = new Map<string, string | null>();
  private templateReleasedAt = new Map<string, string | null>();
  private templateHours = new Map<string, number | null>();
  private loadedAt = 0;
  private loading?: Promise<void>;
  /**
   * Catalog reads that confirmed (or refuted) lookups the index missed, by ref, kept
   * until the next refresh: a ref missing from the catalog (an orphaned owner) costs
   * one request per refresh, not one per entity that names it.
   */
  private confirmed = new Map<string, Promise<Entity | undefined>>();
  /** Invalid time-saved annotations already logged, so each is logged once. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      /** Where invalid `backstage.io/time-saved` annotations are reported. */
      logger?: LoggerService;
    },
  ) {}

  /** Loads the index again; called at the start of every evaluation pass. */
  async refresh(): Promise<void> {
    const owners = new Set<string>();
    const parents = new Map<string, string>();
    const children = new Map<string, string[]>();
    const systemDomains = new Map<string, string>();
    const templateVersions = new Map<string, string | null>();
    const templateReleasedAt = new Map<string, string | null>();
    const templateHours = new Map<string, number | null>();
    const credentials = await this.options.auth.getOwnServiceCredentials();
    for await (const page of this.options.catalog.streamEntities(
      {
        filter: { kind: ['Group', 'User', 'System', 'Template'] },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
          'spec.parent',
          'spec.domain',
        ],
      },
      { credentials },
    )) {
      for (const entity of page) {
        const ref = stringifyEntityRef(entity);
        const kind = entity.kind.toLocaleLowerCase('en-US');
        const spec = (entity.spec ?? {}) as Record<string, unknown>;
        const namespace = entity.metadata.namespace ?? 'default';
        if (kind === 'group' || kind === 'user') owners.add(ref);
        if (kind === 'group' && typeof spec.parent === 'string') {
          const parent = this.toRef(spec.parent, 'group', namespace);
          parents.set(ref, parent);
          children.set(parent, [...(children.get(parent) ?? []), ref]);
        }
        if (kind === 'system' && typeof spec.domain === 'string') {
          systemDomains.set(ref, this.toRef(spec.domain, 'domain', namespace));
        }
        if (kind === 'template') {
          const annotations = entity.metadata.annotations ?? {};
          templateVersions.set(
            ref,
            annotations[PAVED_ROAD_ANNOTATIONS.templateVersion] ?? null,
          );
          templateReleasedAt.set(
            ref,
            annotations[PAVED_ROAD_ANNOTATIONS.releasedAt] ?? null,
          );
          templateHours.set(
            ref,
            this.hoursOf(ref, annotations[PAVED_ROAD_ANNOTATIONS.timeSaved]),
          );
        }
      }
    }
    Object.assign(this, {
      owners,
      parents,
      children,
      systemDomains,
      templateVersions,
      templateReleasedAt,
      templateHours,
      confirmed: new Map(),
      loadedAt: Date.now(),
    });
  }

  /**
   * Refreshes when older than `maxAgeMs` (a minute by default; for lookups outside a
   * pass). Concurrent callers share one refresh.
   */
  async ensureFresh(maxAgeMs = MAX_AGE_MS): Promise<void> {
    if (Date.now() - this.loadedAt < maxAgeMs) return;
    this.loading ??= this.refresh().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  /**
   * Whether the owner exists in the catalog. A miss is never taken from the index
   * alone, which may have been loaded while the catalog was still filling: a miss in
   * an index older than a few seconds refreshes it (one refresh for every lookup
   * waiting) and looks again, and a miss that remains is confirmed by reading the ref
   * from the catalog, once per ref until the next refresh. Rejects when the catalog
   * cannot tell, so the fact source reports that instead of a missing owner.
   */
  async lookupOwner(ref: string): Promise<boolean> {
    return this.lookup(
      ref,
      () => (this.owners.has(ref) ? true : undefined),
      entity => entity !== undefined,
    );
  }

  /**
   * Whether the template exists and its latest version; a miss is confirmed as in
   * {@link CatalogIndex.lookupOwner}.
   */
  async lookupTemplate(
    ref: string,
  ): Promise<{ found: boolean; latestVersion: string | null }> {
    return this.lookup(
      ref,
      () =>
        this.templateVersions.has(ref)
          ? {
              found: true,
              latestVersion: this.templateVersions.get(ref) ?? null,
            }
          : undefined,
      entity => ({
        found: entity !== undefined,
        latestVersion:
          entity?.metadata.annotations?.[
            PAVED_ROAD_ANNOTATIONS.templateVersion
          ] ?? null,
      }),
    );
  }

  /** Answers from the index, confirming a miss; a failed read is not kept. */
  private async lookup<T>(
    ref: string,
    fromIndex: () => T | undefined,
    fromCatalog: (entity: Entity | undefined) => T,
  ): Promise<T> {
    await this.ensureFresh();
    const found = fromIndex();
    if (found !== undefined) return found;
    if (!this.confirmed.has(ref)) {
      await this.ensureFresh(MISS_REFRESH_AFTER_MS);
      const refreshed = fromIndex();
      if (refreshed !== undefined) return refreshed;
    }
    return fromCatalog(await this.read(ref));
  }

  private read(ref: string): Promise<Entity | undefined> {
    const cached = this.confirmed.get(ref);
    if (cached) return cached;
    const confirmed = this.confirmed;
    const reading = this.options.auth
      .getOwnServiceCredentials()
      .then(credentials =>
        this.options.catalog.getEntityByRef(ref, { credentials }),
      );
    confirmed.set(ref, reading);
    reading.catch(() => {
      if (confirmed.get(ref) === reading) confirmed.delete(ref);
    });
    return reading;
  }

  /**
   * Whether the template exists, its latest version, and the hours one run saves (its
   * `backstage.io/time-saved` annotation; null when absent or not an ISO 8601 duration).
   */
  template(ref: string): {
    found: boolean;
    latestVersion: string | null;
    timeSavedHours: number | null;
  } {
    return {
      found: this.templateVersions.has(ref),
      latestVersion: this.templateVersions.get(ref) ?? null,
      timeSavedHours: this.templateHours.get(ref) ?? null,
    };
  }

  /**
   * Every template of the last refresh, by entity ref, with its
   * `backstage.io/template-version` and `paved-road.io/released-at` as annotated (null
   * when absent).
   */
  templates(): Array<{
    ref: string;
    latestVersion: string | null;
    releasedAt: string | null;
  }> {
    return [...this.templateVersions].map(([ref, latestVersion]) => ({
      ref,
      latestVersion,
      releasedAt: this.templateReleasedAt.get(ref) ?? null,
    }));
  }

  domainOfSystem(systemRef: string | null): string | null {
    return systemRef ? this.systemDomains.get(systemRef) ?? null : null;
  }

  /** The group and every group above it, nearest first. */
  ancestorsOf(groupRef: string): string[] {
    const out: string[] = [];
    let current: string | undefined = groupRef;
    while (current && !out.includes(current)) {
      out.push(current);
      current = this.parents.get(current);
    }
    return out;
  }

  /** The group and all groups below it. */
  descendantsOf(groupRef: string): string[] {
    const out = new Set<string>([groupRef]);
    const queue = [groupRef];
    while (queue.length) {
      for (const child of this.children.get(queue.shift()!) ?? []) {
        if (!out.has(child)) {
          out.add(child);
          queue.push(child);
        }
      }
    }
    return [...out];
  }

  /** The entity's domain: its own for a system, its system's otherwise. */
  domainOf(entity: Entity, systemRef: string | null): string | null {
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    if (
      entity.kind.toLocaleLowerCase('en-US') === 'system' &&
      typeof spec.domain === 'string'
    ) {
      return this.toRef(
        spec.domain,
        'domain',
        entity.metadata.namespace ?? 'default',
      );
    }
    return this.domainOfSystem(systemRef);
  }

  private hoursOf(templateRef: string, value: string | undefined) {
    if (value === undefined) return null;
    const where = `${templateRef}: annotation '${PAVED_ROAD_ANNOTATIONS.timeSaved}'`;
    try {
      return durationToHours(value, where);
    } catch (error) {
      const message = `${
        error instanceof Error ? error.message : String(error)
      }; entities scaffolded from it count no hours saved unless a scaffold event was recorded`;
      if (!this.warned.has(message)) {
        this.warned.add(message);
        this.options.logger?.warn(message);
      }
      return null;
    }
  }

  private toRef(value: string, defaultKind: string, defaultNamespace: string) {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace }),
    );
  }
}
