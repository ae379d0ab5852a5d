/**
 * Reports of the fuzz test's failures: one failure in full, what makes two failures the
 * same bug, and a line a failure for the summary printed after a database's run.
 */
import { BASE_PATH, Outcome, RawRequest } from './backendProcess';
import { Operation } from './openApiDocument';
import { describe as describeValue } from './rawJson';
import { FuzzRequest } from './requestEncoding';

/** `METHOD /path`: how tests and reports name an operation. */
export const label = (op: Operation) => `${op.method} ${op.template}`;

/** Everything a failure report shows, shortened. */
function excerpt(text: string, max = 600) {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}

/** The start and the end of a long line (a database error's point is at its end). */
function ends(text: string, max = 500) {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)} … ${text.slice(-half)}`;
}

/** One failure in full: the problems, the request as sent, the answer and the backend's log. */
export function formatFailure(
  caller: string,
  op: Operation,
  request: FuzzRequest,
  sent: RawRequest,
  outcome: Outcome,
  problems: string[],
) {
  const lines = [
    ...problems.map(p => `problem:  ${p}`),
    `caller:   ${caller}${
      request.auth === 'caller'
        ? ''
        : ` (Authorization ${
            request.auth === 'none'
              ? 'left out'
              : describeValue(request.auth.header)
          })`
    }`,
    `request:  ${sent.method} ${excerpt(`${BASE_PATH}${sent.path}`, 400)}`,
  ];
  if (request.hostile.length)
    lines.push(`hostile:  ${request.hostile.join('; ')}`);
  const headers = Object.fromEntries(
    Object.entries(sent.headers).filter(([k]) => k !== 'Authorization'),
  );
  if (Object.keys(headers).length) {
    lines.push(`headers:  ${excerpt(JSON.stringify(headers), 300)}`);
  }
  if (sent.body !== undefined) {
    lines.push(
      `body:     ${excerpt(JSON.stringify(sent.body).slice(1, -1), 1200)}`,
    );
  }
  if (outcome.kind === 'response') {
    lines.push(
      `answer:   ${outcome.status} in ${outcome.elapsedMs} ms, ${
        outcome.headers['content-type'] ?? 'no content type'
      }`,
      `response: ${excerpt(outcome.body, 600) || '(empty)'}`,
    );
  } else {
    lines.push(
      `answer:   none (${outcome.reason}) after ${outcome.elapsedMs} ms`,
    );
  }
  const log = outcome.log.filter(l => /error|exception|\bat /i.test(l));
  if (log.length) {
    lines.push(
      `backend:  ${log
        .slice(0, 8)
        .map(l => ends(l))
        .join('\n          ')}`,
    );
  }
  return `${label(op)}\n${lines.map(l => `  ${l}`).join('\n')}`;
}

/** A failure a property found; its message is the report. */
export class FuzzFailure extends Error {}

/**
 * What makes two failures the same bug: the kind of problem and the error the backend
 * gave (numbers, ids and quoted values left out); for a hang or a crash, which parts
 * of the request were hostile.
 */
export function signature(
  problems: string[],
  request: FuzzRequest,
  outcome: Outcome,
) {
  const generic = (text: string) =>
    text
      .replace(/"[^"]*"|'[^']*'/g, '…')
      .replace(/[0-9a-f]{8,}|\d+(\.\d+)?(e[-+]?\d+)?/gi, '#');
  const kinds = problems.map(p => {
    if (!p.startsWith('leak:')) return p.split(':')[0];
    return p.includes(' mentions ') ? 'leak (mentions)' : 'leak (answered)';
  });
  if (outcome.kind === 'no-response') {
    return JSON.stringify([kinds, request.hostile.map(h => generic(h)).sort()]);
  }
  let error = '';
  if (outcome.status >= 500) {
    // The error handler's line (other lines may belong to other requests).
    const logged =
      outcome.log.find(l =>
        /Request failed with status|internal error/.test(l),
      ) ?? '';
    // The error's name and message; a database error's reason ends its log line.
    let answered = outcome.body;
    try {
      const { name, message } = JSON.parse(outcome.body).error;
      answered = `${name}: ${message}`;
    } catch {
      // Not Backstage's error body: the body as it is.
    }
    error = `${generic(answered).slice(0, 200)} ${generic(logged).slice(-150)}`;
  }
  return JSON.stringify([kinds, error]);
}

/** `[sqlite] limited user: GET /path: problem; request: …`, for the summary. */
export function summaryLine(
  database: string,
  caller: string,
  op: Operation,
  message: string,
) {
  const field = (name: string) =>
    message
      .split('\n')
      .filter(l => l.trim().startsWith(`${name}:`))
      .map(l => {
        const value = l
          .trim()
          .slice(name.length + 1)
          .trim();
        return name === 'backend' ? ends(value, 240) : excerpt(value, 160);
      });
  return `[${database}] ${caller}: ${label(op)}\n    ${[
    ...field('problem'),
    ...field('request'),
    ...field('hostile'),
    ...field('body').map(b => `body ${b}`),
    ...field('backend').map(b => `backend ${b}`),
  ].join('\n    ')}`;
}

/** Prints the summary lines (`found`) of `database`'s failing properties, if any. */
export function printSummary(database: string, found: string[], seed: number) {
  const mine = found.filter(f => f.startsWith(`[${database}]`));
  if (mine.length) {
    // eslint-disable-next-line no-console
    console.log(
      `The fuzzer found ${
        mine.length
      } failing properties on ${database} (FUZZ_SEED=${seed}; details in each test's failure):\n${mine.join(
        '\n',
      )}`,
    );
  }
}
