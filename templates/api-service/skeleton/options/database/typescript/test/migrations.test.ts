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

  async query(sql: string, params: unknown[] = []) {
    this.statements.push(sql);
    if (this.failOn && sql.includes(this.failOn)) throw new Error('syntax error');
    if (sql.startsWith('SELECT version')) {
      return { rows: [...this.applied].map((version) => ({ version })) };
    }
    if (sql.startsWith('INSERT INTO schema_migrations')) this.applied.add(String(params[0]));
    return { rows: [] };
  }
}

const logger = pino({ level: 'silent' });

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

  it('applies pending migrations in file-name order under the advisory lock', async () => {
    const client = new FakeClient();
    const applied = await runMigrations(client, dir, logger);
    assert.deepEqual(applied, ['0001_first.sql', '0002_second.sql']);
    assert.match(client.statements[0] ?? '', /pg_advisory_lock/);
    assert.match(client.statements.at(-1) ?? '', /pg_advisory_unlock/);
    assert.ok(client.statements.indexOf('CREATE TABLE first (id int);') < client.statements.indexOf('CREATE TABLE second (id int);'));
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
    assert.match(client.statements.at(-1) ?? '', /pg_advisory_unlock/);
    assert.deepEqual([...client.applied], ['0001_first.sql']);
  });
});
