import { Knex } from 'knex';
import { copyRows, PgConnection } from './postgresCopy';
import {
  chunks,
  CHUNK,
  isPostgres,
  PG_WRITE_CHUNK,
  UNIQUE_VIOLATION,
} from './tables';

/** What a {@link bulkWrite} transaction writes with. @internal */
export interface BulkWriter {
  tx: Knex.Transaction;
  /** Whether `insert` copies (PostgreSQL, first attempt) rather than upserts. */
  copying: boolean;
  /**
   * Inserts rows; `conflict`: the key an upsert merges on (plain inserts without it,
   * for a table without one).
   */
  insert<T extends Record<string, unknown>>(
    table: string,
    rows: T[],
    conflict?: string[],
  ): Promise<void>;
}

const columnsOf = <T extends object>(rows: T[]) =>
  (rows.length ? Object.keys(rows[0]) : []) as Array<keyof T & string>;

/**
 * Runs `fn` in a transaction, with `insert` for rows it deleted first (or that cannot
 * exist yet). On PostgreSQL `insert` copies them in (`COPY`, which costs the server a
 * fraction of INSERT statements); should another writer store one of the rows meanwhile
 * (an on-demand re-evaluation on another replica), the transaction is rolled back and
 * run again with upserts. On SQLite it upserts in chunks.
 *
 * @internal
 */
export async function bulkWrite(
  db: Knex,
  fn: (writer: BulkWriter) => Promise<void>,
): Promise<void> {
  const postgres = isPostgres(db);
  const writeChunk = postgres ? PG_WRITE_CHUNK : CHUNK;
  const run = (copying: boolean) =>
    db.transaction(tx =>
      fn({
        tx,
        copying,
        insert: async (table, rows, conflict) => {
          if (copying) {
            const connection: PgConnection =
              await tx.client.acquireConnection();
            await copyRows(connection, table, columnsOf(rows), rows);
            return;
          }
          for (const part of chunks(rows, writeChunk)) {
            if (conflict) {
              await tx(table).insert(part).onConflict(conflict).merge();
            } else await tx(table).insert(part);
          }
        },
      }),
    );
  if (postgres) {
    try {
      await run(true);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    }
  }
  await run(false);
}
