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
  private templateHours = new Map<string, number | null>();
  private loadedAt = 0;
  private loading?: Promise<void>;
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
      templateHours,
      loadedAt: Date.now(),
    });
  }

  /** Refreshes when older than a minute (for lookups outside a pass). */
  async ensureFresh(): Promise<void> {
    if (Date.now() - this.loadedAt < MAX_AGE_MS) return;
    this.loading ??= this.refresh().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  /** {@link CatalogIndex.ownerExists}, refreshing a stale index first. */
  async lookupOwner(ref: string): Promise<boolean> {
    await this.ensureFresh();
    return this.ownerExists(ref);
  }

  /** {@link CatalogIndex.template}, refreshing a stale index first. */
  async lookupTemplate(
    ref: string,
  ): Promise<{ found: boolean; latestVersion: string | null }> {
    await this.ensureFresh();
    return this.template(ref);
  }

  ownerExists(ref: string): boolean {
    return this.owners.has(ref);
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
