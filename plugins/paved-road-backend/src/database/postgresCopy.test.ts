import { TestDatabases } from '@backstage/backend-test-utils';
import { copyRows, copyValue } from './postgresCopy';

jest.setTimeout(60_000);

describe('copyRows', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it('escapes what the COPY text format gives meaning to', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(undefined)).toBe('\\N');
    expect(copyValue(true)).toBe('t');
    expect(copyValue(false)).toBe('f');
    expect(copyValue(-1)).toBe('-1');
    expect(copyValue(new Date('2026-12-02T10:00:00.000Z'))).toBe(
      '2026-12-02T10:00:00.000Z',
    );
    expect(copyValue('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
  });

  it.each(databases.eachSupportedId())(
    'round-trips every kind of value, and nothing on an error, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('copied', table => {
        table.string('id').primary();
        table.text('body');
        table.boolean('flag').notNullable();
        table.integer('n').notNullable();
        table.timestamp('at', { useTz: true }).notNullable();
      });
      const nasty = [
        '{"reason":"line one\\nline two","path":"C:\\\\dir"}',
        'tab\there, newline\nthere, return\r, backslash \\ and \\N and \\.',
        '\\.',
        'ünïcödé ✓ 🚀',
        '',
      ];
      const at = new Date('2026-12-02T10:00:00.123Z');
      const rows = [
        ...nasty.map((body, i) => ({
          id: `r${i}`,
          body,
          flag: i % 2 === 0,
          n: i - 2,
          at,
        })),
        { id: 'null', body: null, flag: false, n: 0, at },
      ];
      const connection = await knex.client.acquireConnection();
      try {
        await copyRows(
          connection,
          'copied',
          ['id', 'body', 'flag', 'n', 'at'],
          rows,
        );
        // A duplicate key fails the COPY as a whole.
        await expect(
          copyRows(
            connection,
            'copied',
            ['id', 'body', 'flag', 'n', 'at'],
            [{ id: 'new', body: 'x', flag: true, n: 1, at }, rows[0]],
          ),
        ).rejects.toMatchObject({ code: '23505' });
      } finally {
        await knex.client.releaseConnection(connection);
      }
      const stored = await knex('copied').select('*').orderBy('id');
      expect(stored).toEqual(
        [...rows]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map(r => ({ ...r, at: r.at })),
      );
    },
  );
});
