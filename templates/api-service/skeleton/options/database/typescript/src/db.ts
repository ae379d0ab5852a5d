import { Pool } from 'pg';
import type { Logger } from './logger';
import { runMigrations } from './migrations';

export class Database {
  readonly pool: Pool;

  constructor(connectionString: string) {
    this.pool = new Pool({
      connectionString,
      max: 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // A runaway query is cancelled instead of holding a connection forever.
      statement_timeout: 30_000,
      application_name: '${{ values.name }}',
    });
  }

  async migrate(dir: string, logger: Logger): Promise<string[]> {
    const client = await this.pool.connect();
    try {
      return await runMigrations(client, dir, logger);
    } finally {
      client.release();
    }
  }

  /** Readiness check: one round trip to the database. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
