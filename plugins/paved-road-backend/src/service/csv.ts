import { EntityResultRow } from '@paved-road/backstage-plugin-common';

const COLUMNS = [
  'entityRef',
  'kind',
  'type',
  'lifecycle',
  'owner',
  'system',
  'domain',
  'scorecard',
  'level',
  'nextLevel',
  'passed',
  'failed',
  'unknown',
  'exempt',
  'failingChecks',
  'evaluatedAt',
  'stale',
];

/**
 * Quotes a cell, and defuses values a spreadsheet would run as a formula.
 *
 * @internal
 */
export function cell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Result rows as CSV (RFC 4180), one line per entity and scorecard. @internal */
export function toCsv(rows: EntityResultRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) {
    const count = (status: string) =>
      row.checks.filter(c => c.status === status).length;
    lines.push(
      [
        row.entityRef,
        row.kind,
        row.type,
        row.lifecycle,
        row.owner,
        row.system,
        row.domain,
        row.scorecardId,
        row.level ?? 'none',
        row.nextLevel,
        count('pass'),
        count('fail'),
        count('unknown'),
        count('exempt'),
        row.checks
          .filter(c => c.status === 'fail')
          .map(c => c.checkId)
          .join(' '),
        row.evaluatedAt,
        row.stale,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
