import { randomBytes } from 'node:crypto';
import { run } from './project';

/** The PostgreSQL 15 server the suite runs against (trust auth, may create databases). */
export const PG_SERVER =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
  'postgresql://postgres@127.0.0.1:5432';

/** Runs SQL with psql and returns the rows as arrays of fields. */
export async function psql(url: string, sql: string): Promise<string[][]> {
  const out = await run(
    'psql',
    [
      url,
      '-X',
      '-q',
      '-A',
      '-t',
      '-F',
      '\t',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      sql,
    ],
    { cwd: process.cwd() },
  );
  return out
    .split('\n')
    .filter(line => line !== '')
    .map(line => line.split('\t'));
}

/** A throwaway database; `drop()` terminates what is still connected and drops it. */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createDatabase(): Promise<TestDatabase> {
  const name = `paved_road_behaviour_${randomBytes(4).toString('hex')}`;
  await psql(`${PG_SERVER}/postgres`, `CREATE DATABASE ${name}`);
  return {
    name,
    url: `${PG_SERVER}/${name}`,
    drop: async () => {
      await psql(
        `${PG_SERVER}/postgres`,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`,
      );
      await psql(`${PG_SERVER}/postgres`, `DROP DATABASE IF EXISTS ${name}`);
    },
  };
}

/** The server's sessions on `db` other than psql's own: application name, state, wait event, query. */
export async function sessions(db: TestDatabase) {
  const rows = await psql(
    `${PG_SERVER}/postgres`,
    `SELECT application_name, state, coalesce(wait_event_type, ''), coalesce(wait_event, ''),
            regexp_replace(query, '\\s+', ' ', 'g')
       FROM pg_stat_activity WHERE datname = '${db.name}' AND pid <> pg_backend_pid()`,
  );
  return rows.map(
    ([applicationName, state, waitEventType, waitEvent, query]) => ({
      applicationName,
      state,
      waitEventType,
      waitEvent,
      query,
    }),
  );
}

/** Terminates the sessions of `applicationName` on `db`, as a failover or a restart would. */
export async function terminateSessions(
  db: TestDatabase,
  applicationName: string,
) {
  await psql(
    `${PG_SERVER}/postgres`,
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = '${db.name}' AND application_name = '${applicationName}'`,
  );
}
