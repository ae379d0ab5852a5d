import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from './logger';

/** The part of a pg client the migration runner needs (a PoolClient, or a fake in tests). */
export interface SqlClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

const LOCK_KEY = 'orders-api:migrations';

/**
 * Applies the `.sql` files in `dir` that are not yet recorded in `schema_migrations`,
 * in file-name order, each in its own transaction. A session-level advisory lock makes
 * concurrent pods wait for each other instead of racing.
 *
 * The session runs without a statement or lock timeout, whatever the connection string,
 * role or database sets: a migration may take minutes, and so may waiting for another
 * pod's. The timeouts are reset when done, so a pooled client gets its own back.
 *
 * Returns the file names that were applied by this call.
 */
export async function runMigrations(client: SqlClient, dir: string, logger: Logger): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  await client.query('SET statement_timeout = 0');
  await client.query('SET lock_timeout = 0');
  const lock = await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [LOCK_KEY]);
  if (lock.rows[0]?.locked !== true) {
    // Another instance is migrating: this one starts once it is done.
    logger.info({ lock: LOCK_KEY }, 'waiting for the migration lock');
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
  }
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => String(r.version)));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(path.join(dir, file), 'utf8');
      const started = Date.now();
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      logger.info({ migration: file, durationMs: Date.now() - started }, 'migration applied');
      applied.push(file);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]);
    await client.query('RESET statement_timeout');
    await client.query('RESET lock_timeout');
  }
}
