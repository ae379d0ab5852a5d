import { CheckStatus } from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import { chunks, ENTITIES, RESULTS, SCAFFOLDS } from './tables';

/**
 * Catalog attributes that narrow the aggregate scan (`GET /aggregates?kind=&type=&lifecycle=`).
 * `kind` is matched case-insensitively and must be given in lower case.
 *
 * @internal
 */
export interface AggregatesFilter {
  kind?: string;
  type?: string;
  lifecycle?: string;
}

/** Roll-up attributes that results and entities are grouped by. @internal */
export interface AggregateGroupKey {
  owner: string | null;
  system: string | null;
  domain: string | null;
  goldenPath: boolean;
  drift: string | null;
}

/**
 * Stored results with the same roll-up attributes, scorecard, level and check statuses,
 * counted. @internal
 */
export interface ResultGroup extends AggregateGroupKey {
  scorecardId: string;
  level: string | null;
  /** Check id to status, as stored (`check_statuses`). */
  statuses: Record<string, CheckStatus>;
  count: number;
}

/**
 * Entities with at least one result and the same roll-up attributes and source
 * template, counted, with how many of them have a recorded scaffold event and those
 * events' hours (each entity's latest event). @internal
 */
export interface EntityGroup extends AggregateGroupKey {
  templateRef: string | null;
  count: number;
  recorded: number;
  recordedHours: number;
}

/** What the roll-ups are computed from: {@link AggregateReader.aggregateGroups}. @internal */
export interface AggregateGroups {
  results: ResultGroup[];
  entities: EntityGroup[];
}

/**
 * Reads what the aggregate roll-ups are computed from: the stored results and entities
 * grouped and counted in SQL, with the scaffold events' hours saved.
 *
 * @internal
 */
export class AggregateReader {
  constructor(private readonly db: Knex) {}

  /**
   * The stored results and entities grouped by what the roll-ups need (owner, system,
   * domain, golden path, drift; scorecard, level and check statuses; source template),
   * counted in SQL: the answer grows with the organisation's shape, not with the number
   * of entities. `filter` keeps only entities of that kind, type and lifecycle;
   * `visible`, only those refs (then queried in chunks of refs).
   */
  async aggregateGroups(
    filter: AggregatesFilter = {},
    visible?: ReadonlySet<string>,
  ): Promise<AggregateGroups> {
    const out: AggregateGroups = { results: [], entities: [] };
    const parts = visible ? chunks([...visible], 500) : [undefined];
    const statuses = new Map<string, Record<string, CheckStatus>>();
    for (const refs of parts) {
      const narrow = (query: Knex.QueryBuilder) => {
        if (filter.kind) query.whereRaw('lower(e.kind) = ?', [filter.kind]);
        if (filter.type) query.where('e.type', filter.type);
        if (filter.lifecycle) query.where('e.lifecycle', filter.lifecycle);
        if (refs) query.whereIn('e.entity_ref', refs);
        return query;
      };
      const keyColumns = [
        'e.owner',
        'e.system',
        'e.domain',
        'e.golden_path',
        'e.drift',
      ];
      const resultColumns = [
        ...keyColumns,
        'r.scorecard_id',
        'r.level',
        'r.check_statuses',
      ];
      const resultRows = await narrow(
        this.db(`${RESULTS} as r`)
          .join(`${ENTITIES} as e`, 'e.entity_ref', 'r.entity_ref')
          .select(...resultColumns, this.db.raw('count(*) as count'))
          .groupBy(resultColumns),
      );
      for (const row of resultRows) {
        const json = row.check_statuses ?? '{}';
        let parsed = statuses.get(json);
        if (!parsed) {
          parsed = JSON.parse(json) as Record<string, CheckStatus>;
          statuses.set(json, parsed);
        }
        out.results.push({
          ...this.toGroupKey(row),
          scorecardId: row.scorecard_id,
          level: row.level,
          statuses: parsed,
          count: Number(row.count),
        });
      }

      const entityColumns = [...keyColumns, 'e.template_ref'];
      const entityRows = await narrow(
        this.db(`${ENTITIES} as e`)
          .leftJoin(
            this.latestScaffoldEvents().as('s'),
            's.entity_ref',
            'e.entity_ref',
          )
          .whereExists(
            this.db(`${RESULTS} as r`)
              .select(this.db.raw('1'))
              .whereRaw('r.entity_ref = e.entity_ref'),
          )
          .select(
            ...entityColumns,
            this.db.raw('count(*) as count'),
            this.db.raw('count(s.entity_ref) as recorded'),
            this.db.raw('coalesce(sum(s.hours_saved), 0) as recorded_hours'),
          )
          .groupBy(entityColumns),
      );
      for (const row of entityRows) {
        out.entities.push({
          ...this.toGroupKey(row),
          templateRef: row.template_ref,
          count: Number(row.count),
          recorded: Number(row.recorded),
          recordedHours: Number(row.recorded_hours),
        });
      }
    }
    return out;
  }

  private toGroupKey(row: Record<string, any>): AggregateGroupKey {
    return {
      owner: row.owner,
      system: row.system,
      domain: row.domain,
      goldenPath: Boolean(row.golden_path),
      drift: row.drift,
    };
  }

  /** How many scaffold events there are (they feed hours saved). */
  async scaffoldEventCount(): Promise<number> {
    const [{ count }] = await this.db(SCAFFOLDS).count({ count: '*' });
    return Number(count);
  }

  /**
   * Each scaffolded entity's latest scaffold event (`entity_ref`, `hours_saved`), as a
   * subquery: an entity scaffolded more than once (a retried or repeated run) counts
   * once, with its latest event's hours.
   */
  private latestScaffoldEvents(): Knex.QueryBuilder {
    return this.db(`${SCAFFOLDS} as s`)
      .select('s.entity_ref', 's.hours_saved')
      .whereNotExists(
        this.db(`${SCAFFOLDS} as later`)
          .select(this.db.raw('1'))
          .whereRaw('later.entity_ref = s.entity_ref')
          .andWhere(builder =>
            builder
              .whereRaw('later.created_at > s.created_at')
              .orWhere(inner =>
                inner
                  .whereRaw('later.created_at = s.created_at')
                  .andWhereRaw('later.id > s.id'),
              ),
          ),
      );
  }
}
