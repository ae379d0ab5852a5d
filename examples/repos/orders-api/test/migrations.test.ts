import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { runMigrations, type SqlClient } from '../src/migrations';

/** Records every statement; remembers applied versions like the real table would. */
class FakeClient implements SqlClient {
  statements: string[] = [];
  applied = new Set<string>();
  failOn?: string;
  /** Another instance holds the migration lock: the try-lock fails. */
  lockHeldElsewhere = false;

  async query(sql: string, params: unknown[] = []) {
    this.statements.push(sql);
    if (this.failOn && sql.includes(this.failOn)) throw new Error('syntax error');
    if (sql.includes('pg_try_advisory_lock')) return { rows: [{ locked: !this.lockHeldElsewhere }] };
    if (sql.startsWith('SELECT version')) {
      return { rows: [...this.applied].map((version) => ({ version })) };
    }
    if (sql.startsWith('INSERT INTO schema_migrations')) this.applied.add(String(params[0]));
    return { rows: [] };
  }
}

const logger = pino({ level: 'silent' });

/** The statements that set up the session and take the lock, then the ones that run under it. */
const LOCKED_SESSION = [
  'SET statement_timeout = 0',
  'SET lock_timeout = 0',
  'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
];
const RELEASE = ['SELECT pg_advisory_unlock(hashtext($1))', 'RESET statement_timeout', 'RESET lock_timeout'];

describe('runMigrations', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    await writeFile(path.join(dir, '0002_second.sql'), 'CREATE TABLE second (id int);');
    await writeFile(path.join(dir, '0001_first.sql'), 'CREATE TABLE first (id int);');
    await writeFile(path.join(dir, 'README.md'), 'not a migration');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies pending migrations in file-name order under the advisory lock, without timeouts', async () => {
    const client = new FakeClient();
    const applied = await runMigrations(client, dir, logger);
    assert.deepEqual(applied, ['0001_first.sql', '0002_second.sql']);
    assert.deepEqual(client.statements.slice(0, 3), LOCKED_SESSION);
    assert.deepEqual(client.statements.slice(-3), RELEASE);
    assert.ok(client.statements.indexOf('CREATE TABLE first (id int);') < client.statements.indexOf('CREATE TABLE second (id int);'));
  });

  it('waits for the lock, and says so, while another instance migrates', async () => {
    const client = new FakeClient();
    client.lockHeldElsewhere = true;
    const lines: string[] = [];
    const recording = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    await runMigrations(client, dir, recording);
    assert.equal(client.statements[3], 'SELECT pg_advisory_lock(hashtext($1))');
    assert.ok(lines.some((line) => line.includes('waiting for the migration lock')));
  });

  it('skips migrations that are already applied', async () => {
    const client = new FakeClient();
    client.applied.add('0001_first.sql');
    client.applied.add('0002_second.sql');
    assert.deepEqual(await runMigrations(client, dir, logger), []);
  });

  it('rolls back a failing migration, releases the lock and reports the file', async () => {
    const client = new FakeClient();
    client.failOn = 'CREATE TABLE second';
    await assert.rejects(runMigrations(client, dir, logger), /0002_second.sql failed/);
    assert.ok(client.statements.includes('ROLLBACK'));
    assert.deepEqual(client.statements.slice(-3), RELEASE);
    assert.deepEqual([...client.applied], ['0001_first.sql']);
  });
});
