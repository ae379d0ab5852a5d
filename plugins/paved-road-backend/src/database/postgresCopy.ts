import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** One value in PostgreSQL's COPY text format. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[\\\n\r\t]/.test(text)
    ? text.replace(/[\\\n\r\t]/g, c => ESCAPES[c])
    : text;
}

/** The connection knex's pg client hands out (node-postgres' `Client`). */
export interface PgConnection {
  query(text: string, values?: unknown[]): Promise<unknown>;
  query<T>(stream: T): T;
}

/**
 * Writes rows with `COPY ... FROM STDIN` on the connection (in its transaction, if it
 * has one): PostgreSQL's bulk path, which costs the server a fraction of what INSERT
 * statements of the same rows cost. The rows must not exist yet.
 */
export async function copyRows<T extends Record<string, unknown>>(
  connection: PgConnection,
  table: string,
  columns: ReadonlyArray<keyof T & string>,
  rows: readonly T[],
): Promise<void> {
  if (!rows.length) return;
  const lines = rows.map(
    row => `${columns.map(c => copyValue(row[c])).join('\t')}\n`,
  );
  const target = connection.query(
    copyFrom(
      `COPY ${table} (${columns.map(c => `"${c}"`).join(', ')}) FROM STDIN`,
    ),
  );
  await pipeline(Readable.from([lines.join('')]), target);
}
