import createKnex, { Knex } from 'knex';

/** Statements that change something: the steps a pass can be cut at. */
const WRITE = /^\s*(insert|update|delete|copy|commit)\b/i;

/**
 * Decides, for each statement while armed, whether its connection is cut before it
 * runs: `step` counts the write statements (INSERT, UPDATE, DELETE, COPY, COMMIT) so
 * far, this one included when it is one.
 */
export type CutRule = (statement: {
  step: number;
  write: boolean;
  sql: string;
}) => boolean;

/**
 * Cuts a knex instance's database connections at chosen statements, as a network
 * failure or a restarted database would. On PostgreSQL the connection's server process
 * is ended with `pg_terminate_backend` (from a connection of its own) just before the
 * statement is sent, so the statement, and the transaction it belongs to, fails on a
 * dead connection; on SQLite the connection's open transaction is rolled back and the
 * statement throws. Wraps each connection the pool hands out.
 */
export function connectionCutter(knex: Knex) {
  const postgres = knex.client.config.client === 'pg';
  const wrapped = new WeakSet<object>();
  const state = {
    rule: undefined as CutRule | undefined,
    steps: 0,
    cut: [] as string[],
  };
  let admin: Knex | undefined;

  const decide = (sql: string) => {
    const { rule } = state;
    if (!rule || /^\s*rollback/i.test(sql)) return false;
    const write = WRITE.test(sql);
    if (write) state.steps += 1;
    if (!rule({ step: state.steps, write, sql })) return false;
    state.cut.push(sql.trim().split(/\s+/).slice(0, 3).join(' '));
    return true;
  };

  const terminate = async (pid: number) => {
    admin ??= createKnex({
      client: 'pg',
      connection: knex.client.connectionSettings,
      pool: { min: 0, max: 1 },
    });
    await admin.raw('SELECT pg_terminate_backend(?)', [pid]);
  };

  const wrap = (connection: any) => {
    if (wrapped.has(connection)) return;
    wrapped.add(connection);
    if (postgres) {
      const query = connection.query.bind(connection);
      connection.query = (config: any, ...rest: unknown[]) => {
        const sql = typeof config === 'string' ? config : config?.text ?? '';
        if (!decide(sql)) return query(config, ...rest);
        // The pool learns of the cut before it hands the connection out again.
        connection.__knex__disposed ??= 'cut by the test';
        const send = () => query(config, ...rest);
        // Sent once the server has ended the connection (a COPY stream buffers
        // what is written to it until then).
        terminate(connection.processID).then(send, send);
        return typeof config?.submit === 'function' ? config : undefined;
      };
    } else {
      const prepare = connection.prepare.bind(connection);
      connection.prepare = (sql: string) => {
        if (!decide(sql)) return prepare(sql);
        // A dropped connection takes its transaction with it.
        if (connection.inTransaction) connection.exec('ROLLBACK');
        throw new Error(`connection cut before: ${sql.slice(0, 60)}`);
      };
    }
  };

  const client = knex.client as any;
  // The pool says so of every connection it drops after a cut: expected here.
  const warn = client.logger.warn.bind(client.logger);
  client.logger.warn = (message: string) => {
    if (!String(message).startsWith('Connection Error')) warn(message);
  };
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async (...args: unknown[]) => {
    const connection = await acquire(...args);
    wrap(connection);
    return connection;
  };

  return {
    /** Cuts the statements `rule` picks from now on; counts steps from zero. */
    arm(rule: CutRule) {
      state.rule = rule;
      state.steps = 0;
      state.cut = [];
    },
    /** Cuts nothing more; returns the steps counted and the statements cut. */
    disarm(): { steps: number; cut: string[] } {
      state.rule = undefined;
      return { steps: state.steps, cut: state.cut };
    },
    async close() {
      await admin?.destroy();
    },
  };
}
