import { Knex } from 'knex';
import {
  chunks,
  ENTITIES,
  EntityRow,
  parseJson,
  PUSHED,
  RESULTS,
  ResultRow,
} from './tables';

/** An entity's facts as its last evaluation stored them. @internal */
export interface StoredFacts {
  entityRef: string;
  facts: Record<string, unknown>;
  sourceErrors: Record<string, string>;
}

/**
 * Reads the facts stored with each entity's last evaluation (for previews and
 * re-scoring), and stores and reads the facts CI pushes.
 *
 * @internal
 */
export class FactsStore {
  constructor(private readonly db: Knex) {}

  /**
   * The stored facts of every entity (those of its last evaluation), in pages of
   * `pageSize` in entity-ref order.
   */
  async *storedFacts(pageSize = 500): AsyncGenerator<StoredFacts[]> {
    let after = '';
    for (;;) {
      const rows: Array<
        Pick<EntityRow, 'entity_ref' | 'facts' | 'source_errors'>
      > = await this.db<EntityRow>(ENTITIES)
        .select('entity_ref', 'facts', 'source_errors')
        .where('entity_ref', '>', after)
        .orderBy('entity_ref')
        .limit(pageSize);
      if (!rows.length) return;
      yield rows.map(row => ({
        entityRef: row.entity_ref,
        facts: parseJson(row.facts, {}),
        sourceErrors: parseJson(row.source_errors, {}),
      }));
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].entity_ref;
    }
  }

  /** {@link storedFacts} of every entity, with its stored levels, for previews. */
  async *factsWithLevels(): AsyncGenerator<
    StoredFacts & { levels: Record<string, string | null> }
  > {
    for await (const page of this.storedFacts()) {
      const levels = new Map<string, Record<string, string | null>>();
      const results = await this.db<ResultRow>(RESULTS)
        .select('entity_ref', 'scorecard_id', 'level')
        .whereIn(
          'entity_ref',
          page.map(r => r.entityRef),
        );
      for (const r of results) {
        const current = levels.get(r.entity_ref) ?? {};
        current[r.scorecard_id] = r.level;
        levels.set(r.entity_ref, current);
      }
      for (const row of page) {
        yield { ...row, levels: levels.get(row.entityRef) ?? {} };
      }
    }
  }

  /** Stores facts pushed by CI and forces the entity's re-evaluation. */
  async putPushedFacts(
    entityRef: string,
    source: string,
    facts: Record<string, unknown>,
  ): Promise<void> {
    await this.db(PUSHED)
      .insert({
        entity_ref: entityRef,
        source,
        facts: JSON.stringify(facts),
        pushed_at: new Date(),
      })
      .onConflict(['entity_ref', 'source'])
      .merge();
    await this.db(ENTITIES)
      .where({ entity_ref: entityRef })
      .update({ etag: null });
  }

  /** The facts pushed for these entities: entity ref to source to facts. */
  async getPushedFacts(
    refs: string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const part of chunks(refs, 500)) {
      const rows = await this.db(PUSHED)
        .select('entity_ref', 'source', 'facts')
        .whereIn('entity_ref', part);
      for (const row of rows) {
        const current = out.get(row.entity_ref) ?? {};
        current[row.source] = parseJson(row.facts, {});
        out.set(row.entity_ref, current);
      }
    }
    return out;
  }
}
