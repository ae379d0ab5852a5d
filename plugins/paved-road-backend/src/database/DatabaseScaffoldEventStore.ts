import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  ScaffoldEvent,
  ScaffoldEventInput,
  TemplateAdoption,
} from '@paved-road/backstage-plugin-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

const TABLE = 'paved_road_scaffold_events';

type Row = {
  id: string;
  template_ref: string;
  template_version: string | null;
  entity_ref: string;
  hours_saved: number;
  initiated_by: string | null;
  created_at: Date | string;
};

/** Rows read at a time when events are filtered by entity visibility. */
const LIST_BATCH = 1000;

type AdoptionRow = {
  template_ref: string;
  template_version: string | null;
  scaffolds: number | string;
  hours_saved: number | string | null;
  last_at: Date | string;
};

const toIso = (value: Date | string) => new Date(value).toISOString();

/**
 * Stores golden-path scaffold events in the plugin's database.
 *
 * @internal
 */
export class DatabaseScaffoldEventStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseScaffoldEventStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseScaffoldEventStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async add(event: ScaffoldEventInput): Promise<ScaffoldEvent> {
    const row: Row = {
      id: randomUUID(),
      template_ref: event.templateRef,
      template_version: event.templateVersion ?? null,
      entity_ref: event.entityRef,
      hours_saved: event.hoursSaved,
      initiated_by: event.initiatedBy ?? null,
      created_at: new Date(event.createdAt ?? Date.now()),
    };
    await this.db<Row>(TABLE).insert(row);
    return this.fromRow(row);
  }

  /**
   * The newest events first, `limit` at most; with `visible`, only events of those
   * entities (read in batches until `limit` are found, so a caller who may read few
   * entities still gets the newest of theirs).
   */
  async list(query: {
    templateRef?: string;
    limit: number;
    visible?: ReadonlySet<string>;
  }): Promise<ScaffoldEvent[]> {
    const { visible, limit } = query;
    const batch = visible ? Math.max(limit, LIST_BATCH) : limit;
    const found: ScaffoldEvent[] = [];
    for (let offset = 0; found.length < limit; offset += batch) {
      const builder = this.db<Row>(TABLE)
        .select()
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(batch)
        .offset(offset);
      if (query.templateRef) {
        builder.where('template_ref', query.templateRef);
      }
      const rows = await builder;
      for (const row of rows) {
        if (!visible || visible.has(row.entity_ref)) {
          found.push(this.fromRow(row));
        }
      }
      if (rows.length < batch) break;
    }
    return found.slice(0, limit);
  }

  /**
   * Scaffold counts and hours saved per template and version: aggregated in SQL, or,
   * with `visible`, over the events of those entities only.
   */
  async adoptionByTemplate(
    visible?: ReadonlySet<string>,
  ): Promise<TemplateAdoption[]> {
    const rows: AdoptionRow[] = [];
    if (!visible) {
      rows.push(
        ...((await this.db(TABLE)
          .select('template_ref', 'template_version')
          .count({ scaffolds: '*' })
          .sum({ hours_saved: 'hours_saved' })
          .max({ last_at: 'created_at' })
          .groupBy('template_ref', 'template_version')) as AdoptionRow[]),
      );
    } else {
      for (let offset = 0; ; offset += LIST_BATCH) {
        const page = await this.db<Row>(TABLE)
          .select('entity_ref', 'template_ref', 'template_version')
          .select('hours_saved', 'created_at')
          .orderBy('id')
          .limit(LIST_BATCH)
          .offset(offset);
        for (const row of page) {
          if (!visible.has(row.entity_ref)) continue;
          rows.push({ ...row, scaffolds: 1, last_at: row.created_at });
        }
        if (page.length < LIST_BATCH) break;
      }
    }

    const byTemplate = new Map<string, TemplateAdoption>();
    for (const row of rows) {
      const scaffolds = Number(row.scaffolds);
      const lastAt = toIso(row.last_at);
      const current = byTemplate.get(row.template_ref) ?? {
        templateRef: row.template_ref,
        scaffolds: 0,
        hoursSaved: 0,
        versions: {},
        lastScaffoldedAt: lastAt,
      };
      const version = row.template_version ?? 'unknown';
      current.scaffolds += scaffolds;
      current.hoursSaved += Number(row.hours_saved ?? 0);
      current.versions[version] = (current.versions[version] ?? 0) + scaffolds;
      if (lastAt > current.lastScaffoldedAt) current.lastScaffoldedAt = lastAt;
      byTemplate.set(row.template_ref, current);
    }
    return [...byTemplate.values()].sort((a, b) =>
      a.templateRef.localeCompare(b.templateRef),
    );
  }

  private fromRow(row: Row): ScaffoldEvent {
    return {
      id: row.id,
      templateRef: row.template_ref,
      ...(row.template_version
        ? { templateVersion: row.template_version }
        : {}),
      entityRef: row.entity_ref,
      hoursSaved: Number(row.hours_saved),
      ...(row.initiated_by ? { initiatedBy: row.initiated_by } : {}),
      createdAt: toIso(row.created_at),
    };
  }
}
