import { Client, Pool } from 'pg';
import type { Logger } from './logger';
import { runMigrations } from './migrations';

const APPLICATION_NAME = 'orders-api';

export interface DatabaseOptions {
  /**
   * A request query running longer is cancelled instead of holding a connection forever
   * (DATABASE_STATEMENT_TIMEOUT_MS, default 30 s; 0: no timeout set by the service).
   * Migrations are not subject to it.
   */
  statementTimeoutMs?: number;
  /** Told when the server drops an idle connection (failover, restart, idle timeout). */
  logger?: Logger;
}

export class Database {
  /** For request queries: every connection has the statement timeout. */
  readonly pool: Pool;

  constructor(
    private readonly connectionString: string,
    options: DatabaseOptions = {},
  ) {
    this.pool = new Pool({
      connectionString,
      max: 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      application_name: APPLICATION_NAME,
    });
    // Without a listener, an idle connection that the server drops would crash the process.
    this.pool.on('error', (err) => {
      options.logger?.warn({ err }, 'database dropped an idle connection; the pool opens a new one');
    });
  }

  /**
   * Runs the migrations on a connection of their own, not one from the pool: a migration,
   * and the wait for another pod's migration lock, may take longer than any request query
   * should. runMigrations turns the timeouts off for that session; the startup probe in
   * k8s/deployment.yaml bounds the start-up instead.
   */
  async migrate(dir: string, logger: Logger): Promise<string[]> {
    const client = new Client({
      connectionString: this.connectionString,
      connectionTimeoutMillis: 5_000,
      application_name: APPLICATION_NAME,
    });
    // A dropped connection fails the next query, and with it the start-up; no crash meanwhile.
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await runMigrations(client, dir, logger);
    } finally {
      await client.end();
    }
  }

  /** Readiness check: one round trip to the database. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Waits for the connections in use to be released, then closes them all. */
  async close(): Promise<void> {
    await this.pool.end();
  }
}
