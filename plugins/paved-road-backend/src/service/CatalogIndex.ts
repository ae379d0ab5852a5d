import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { PAVED_ROAD_ANNOTATIONS } from '@paved-road/backstage-plugin-common';

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
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(
    private readonly options: { catalog: CatalogService; auth: AuthService },
  ) {}

  /** Loads the index again; called at the start of every evaluation pass. */
  async refresh(): Promise<void> {
    const owners = new Set<string>();
    const parents = new Map<string, string>();
    const children = new Map<string, string[]>();
    const systemDomains = new Map<string, string>();
    const templateVersions = new Map<string, string | null>();
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
          templateVersions.set(
            ref,
            entity.metadata.annotations?.[
              PAVED_ROAD_ANNOTATIONS.templateVersion
            ] ?? null,
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

  /** Whether the template exists, and its latest version. */
  template(ref: string): { found: boolean; latestVersion: string | null } {
    return {
      found: this.templateVersions.has(ref),
      latestVersion: this.templateVersions.get(ref) ?? null,
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

  private toRef(value: string, defaultKind: string, defaultNamespace: string) {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace }),
    );
  }
}
