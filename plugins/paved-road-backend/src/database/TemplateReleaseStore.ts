import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { TemplateRelease } from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import { chunks, ENTITIES, isPostgres, RESULTS } from './tables';

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

const RELEASES = 'paved_road_template_releases';

type ReleaseRow = {
  template_ref: string;
  version: string;
  first_seen_at: Date | string | number;
  released_at: Date | string | number | null;
  majority_at: Date | string | number | null;
  entities: number;
  on_version: number;
  updated_at: Date | string | number;
};

/** Release rows per INSERT: 8 columns, well below SQLite's 999 bound parameters. */
const INSERT_CHUNK = 100;
/** Template refs per counting query. */
const REF_CHUNK = 500;

const toIso = (value: Date | string | number) => new Date(value).toISOString();

/**
 * What one pass saw of a template's latest version: how many golden-path entities the
 * template has, and how many of them are on that version or a later one.
 *
 * @internal
 */
export interface ReleaseObservation {
  templateRef: string;
  /** The template's latest version, normalised (no leading `v`). */
  version: string;
  /** The template's `paved-road.io/released-at`, when it has a valid one. */
  releasedAt?: Date | null;
  entities: number;
  onVersion: number;
}

/**
 * Golden-path entities of one template per template version in use (as their
 * `backstage.io/template-version` was at their last evaluation; null when they have
 * none), counted.
 *
 * @internal
 */
export interface VersionCount {
  templateRef: string;
  version: string | null;
  count: number;
}

/**
 * Stores template releases (`paved_road_template_releases`): per template and version,
 * when it was released (the template's `paved-road.io/released-at`), when an evaluation
 * pass first saw it as the template's latest, and when more than half
 * of the template's golden-path entities were first on it or a later version. Updates
 * are idempotent upserts, so passes of several replicas may write at once: the first
 * time seen and the first majority stay as first written.
 *
 * @internal
 */
export class TemplateReleaseStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<TemplateReleaseStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new TemplateReleaseStore(client);
  }

  private constructor(private readonly db: Knex) {}

  /**
   * The stored golden-path entities (with at least one result, as the aggregates count
   * them) of these templates, per template version in use, read from each entity's
   * stored provenance facts: so a release counts the versions entities are on now, not
   * their drift as computed against the template's previous latest version.
   */
  async versionCounts(templateRefs: string[]): Promise<VersionCount[]> {
    const version = isPostgres(this.db)
      ? "(e.facts::json -> 'provenance' ->> 'templateVersion')"
      : "json_extract(e.facts, '$.provenance.templateVersion')";
    const out: VersionCount[] = [];
    for (const refs of chunks(templateRefs, REF_CHUNK)) {
      const rows: Array<{
        template_ref: string;
        version: string | null;
        count: number | string;
      }> = await this.db(`${ENTITIES} as e`)
        .select(
          'e.template_ref',
          this.db.raw(`${version} as version`),
          this.db.raw('count(*) as count'),
        )
        .where('e.golden_path', true)
        .whereIn('e.template_ref', refs)
        .whereExists(
          this.db(`${RESULTS} as r`)
            .select(this.db.raw('1'))
            .whereRaw('r.entity_ref = e.entity_ref'),
        )
        .groupBy('e.template_ref', this.db.raw(version));
      for (const row of rows) {
        out.push({
          templateRef: row.template_ref,
          version: typeof row.version === 'string' ? row.version : null,
          count: Number(row.count),
        });
      }
    }
    return out;
  }

  /**
   * Records what a pass saw of each template's latest version at `now`: a version seen
   * for the first time is first seen now; its counts are updated; its majority time is
   * set once, the first time more than half of its entities are on it or later.
   */
  async track(observations: ReleaseObservation[], now: Date): Promise<void> {
    // In key order, so concurrent upserts of several replicas lock rows in one order.
    const sorted = [...observations].sort(
      (a, b) =>
        a.templateRef.localeCompare(b.templateRef) ||
        a.version.localeCompare(b.version),
    );
    const rows: ReleaseRow[] = sorted.map(o => ({
      template_ref: o.templateRef,
      version: o.version,
      first_seen_at: now,
      released_at: o.releasedAt ?? null,
      majority_at: hasMajority(o) ? now : null,
      entities: o.entities,
      on_version: o.onVersion,
      updated_at: now,
    }));
    const excluded = (column: keyof ReleaseRow) =>
      this.db.raw('excluded.??', [column]);
    for (const chunk of chunks(rows, INSERT_CHUNK)) {
      await this.db<ReleaseRow>(RELEASES)
        .insert(chunk)
        .onConflict(['template_ref', 'version'])
        .merge({
          // The template's annotation as it is now: it may be added or corrected later.
          released_at: excluded('released_at'),
          entities: excluded('entities'),
          on_version: excluded('on_version'),
          updated_at: excluded('updated_at'),
          // The first majority stays: a later pass (or another replica's) never moves it.
          majority_at: this.db.raw('coalesce(??, excluded.??)', [
            `${RELEASES}.majority_at`,
            'majority_at',
          ]),
        } as any);
    }
  }

  /** The stored releases, of one template or all: by template ref, newest first. */
  async list(query: { templateRef?: string } = {}): Promise<TemplateRelease[]> {
    const builder = this.db<ReleaseRow>(RELEASES)
      .select()
      .orderBy([
        { column: 'template_ref', order: 'asc' },
        { column: 'first_seen_at', order: 'desc' },
        { column: 'version', order: 'desc' },
      ]);
    if (query.templateRef) builder.where('template_ref', query.templateRef);
    const rows: ReleaseRow[] = await builder;
    return rows.map(row => ({
      templateRef: row.template_ref,
      version: row.version,
      releasedAt: toIso(row.released_at ?? row.first_seen_at),
      firstSeenAt: toIso(row.first_seen_at),
      majorityAt: row.majority_at === null ? null : toIso(row.majority_at),
      entities: Number(row.entities),
      onVersion: Number(row.on_version),
      updatedAt: toIso(row.updated_at),
    }));
  }
}

/**
 * Whether more than half of the template's golden-path entities are on the version or
 * later (never for a template without any).
 *
 * @internal
 */
export function hasMajority(
  o: Pick<ReleaseObservation, 'entities' | 'onVersion'>,
) {
  return o.entities > 0 && o.onVersion * 2 > o.entities;
}
