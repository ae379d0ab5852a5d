import { parseEntityRef } from '@backstage/catalog-model';
import { Outcome } from './backendProcess';
import { Operation } from './openApiDocument';
import { FuzzRequest, safeDecode } from './requestEncoding';

/** Node's limit on a request's head (request line and headers). */
const MAX_HEAD_BYTES = 16 * 1024;

/** A name character of an entity ref: what must not border a mention of a name. */
const NAME_CHAR = '[a-z0-9_.-]';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One way an unreadable entity may be mentioned. */
interface Mention {
  /** The entity's ref, or the canary's text. */
  entity: string;
  name: string;
  pattern: RegExp;
}

/**
 * Finds mentions of entities a caller may not read, and of canaries planted in their
 * data: their refs (`component:default/payments-api`), shorthands
 * (`component:payments-api`, `default/payments-api`), and JSON strings or CSV cells that
 * are exactly the name (when no readable entity has that name). Case-insensitive.
 * Entities the readable ones name (a readable component's `dependsOn` relation, say)
 * are no secret to the caller, who reads them in the catalog: they are left out.
 */
export class LeakDetector {
  private readonly mentions: Mention[] = [];
  private readonly exactNames = new Map<string, string>();

  constructor(options: {
    unreadable: Iterable<string>;
    readable: Iterable<string>;
    /** What the caller reads in the catalog: the readable entities, as JSON. */
    knownToCaller: string;
    canaries: RegExp[];
  }) {
    const known = options.knownToCaller.toLowerCase();
    const readableNames = new Set(
      [...options.readable].map(r => r.slice(r.indexOf('/') + 1).toLowerCase()),
    );
    for (const ref of options.unreadable) {
      const lower = ref.toLowerCase();
      if (known.includes(lower)) continue;
      const kind = lower.slice(0, lower.indexOf(':'));
      const name = lower.slice(lower.indexOf('/') + 1);
      const shared = readableNames.has(name);
      const around = (inner: string) =>
        new RegExp(`(?<!${NAME_CHAR})${inner}(?!${NAME_CHAR})`, 'i');
      const forms = [
        escapeRegExp(lower),
        `${escapeRegExp(kind)}:${escapeRegExp(name)}`,
        ...(shared ? [] : [`default/${escapeRegExp(name)}`]),
      ];
      for (const form of forms) {
        this.mentions.push({ entity: lower, name, pattern: around(form) });
      }
      if (!shared) this.exactNames.set(name, lower);
    }
    for (const canary of options.canaries) {
      this.mentions.push({
        entity: `canary ${canary.source}`,
        name: canary.source,
        pattern: canary,
      });
    }
  }

  /** The unreadable entities (and canaries) `text` mentions, with the text around each. */
  find(
    text: string,
    contentType: string,
  ): Array<{ entity: string; name: string; excerpt: string }> {
    const found = new Map<
      string,
      { entity: string; name: string; excerpt: string }
    >();
    for (const m of this.mentions) {
      if (found.has(m.entity)) continue;
      const match = m.pattern.exec(text);
      if (match) {
        found.set(m.entity, {
          entity: m.entity,
          name: m.name,
          excerpt: excerptAround(text, match.index, match[0].length),
        });
      }
    }
    for (const value of exactValues(text, contentType)) {
      const entity = this.exactNames.get(value.toLowerCase());
      if (entity && !found.has(entity)) {
        found.set(entity, {
          entity,
          name: value.toLowerCase(),
          excerpt: JSON.stringify(value),
        });
      }
    }
    return [...found.values()];
  }
}

/** JSON strings (values and keys) of a JSON body, or the cells of a CSV one. */
function exactValues(text: string, contentType: string): string[] {
  if (contentType.includes('csv')) {
    return text.split(/[\r\n,]+/).map(cell => cell.replace(/^"|"$/g, ''));
  }
  const values: string[] = [];
  try {
    const walk = (v: unknown) => {
      if (typeof v === 'string') values.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          values.push(k);
          walk(x);
        }
      }
    };
    walk(JSON.parse(text));
  } catch {
    // Not JSON: the patterns have looked at it.
  }
  return values;
}

function excerptAround(text: string, index: number, length: number) {
  const from = Math.max(0, index - 80);
  const to = Math.min(text.length, index + length + 80);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${
    to < text.length ? '…' : ''
  }`;
}

/** Everything the caller wrote, decoded and lower-cased: to tell an echo from a leak. */
export function inputText(request: FuzzRequest): string {
  const query = request.path.includes('?')
    ? request.path.slice(request.path.indexOf('?') + 1)
    : '';
  return [
    safeDecode(request.path.split('?')[0]),
    ...query.split('&').map(pair => safeDecode(pair.replace(/\+/g, ' '))),
    request.body ?? '',
    JSON.stringify(request.input.params),
  ]
    .join('\n')
    .toLowerCase();
}

/**
 * The entity a request is about, when the operation reads or acts on one entity: its
 * path's `{kind}/{namespace}/{name}`, or a `ref` / `entityRef` parameter or body field.
 * Operations that only record what they are given (`records`) address nothing.
 */
export function addressedEntity(
  op: Operation,
  request: FuzzRequest,
  records: string[],
): string | undefined {
  if (records.includes(op.operationId)) return undefined;
  const params = request.input.params;
  const normalise = (ref: unknown) => {
    if (typeof ref !== 'string') return undefined;
    try {
      const parsed = parseEntityRef(ref, { defaultNamespace: 'default' });
      return `${parsed.kind}:${parsed.namespace}/${parsed.name}`.toLowerCase();
    } catch {
      return undefined;
    }
  };
  if (['kind', 'namespace', 'name'].every(n => typeof params[n] === 'string')) {
    return `${params.kind}:${params.namespace}/${params.name}`.toLowerCase();
  }
  for (const key of ['ref', 'entityRef']) {
    if (key in params) return normalise(params[key]);
  }
  const body = request.input.body;
  if (body && typeof body === 'object' && 'entityRef' in body) {
    return normalise((body as { entityRef: unknown }).entityRef);
  }
  return undefined;
}

/** Whether the raw path would reach the operation's handler at all. */
export function routeMatches(op: Operation, path: string): boolean {
  const pattern = new RegExp(`^${op.template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  return pattern.test(path.split('?')[0]);
}

/** The size of the request's head as Node's parser counts it. */
export function headBytes(request: FuzzRequest, basePath: string): number {
  return (
    Buffer.byteLength(
      `${request.method} ${basePath}${request.path} HTTP/1.1\r\n`,
    ) +
    Object.entries(request.headers).reduce(
      (n, [k, v]) => n + k.length + v.length + 4,
      0,
    ) +
    200
  );
}

/** What is wrong with an answer, per the properties every answer must have. */
export function problemsOf(options: {
  op: Operation;
  request: FuzzRequest;
  outcome: Outcome;
  budgetMs: number;
  basePath: string;
  /** Only for a caller who may read some entities only. */
  leaks?: {
    detector: LeakDetector;
    unreadable: Set<string>;
    records: string[];
  };
}): string[] {
  const { op, request, outcome, budgetMs } = options;
  if (outcome.kind === 'no-response') {
    return [
      outcome.reason === 'hang'
        ? `hang: ${outcome.message}`
        : `crash: ${outcome.message}`,
    ];
  }
  const problems: string[] = [];
  const { status, body } = outcome;
  const contentType = String(outcome.headers['content-type'] ?? '');
  if (status >= 500) problems.push(`${status}: a server error`);
  if (outcome.elapsedMs > budgetMs) {
    problems.push(
      `slow: answered in ${outcome.elapsedMs} ms, over the ${budgetMs} ms budget`,
    );
  }

  if (status >= 400 && status < 500) {
    const unrouted =
      status === 404 && body === '' && !routeMatches(op, request.path);
    const headTooLarge =
      status === 431 && headBytes(request, options.basePath) > MAX_HEAD_BYTES;
    if (!unrouted && !headTooLarge) {
      const shape = errorShapeProblem(status, body, contentType);
      if (shape)
        problems.push(`${status} without Backstage's error body: ${shape}`);
    }
  } else if (
    status >= 200 &&
    status < 300 &&
    contentType.includes('application/json')
  ) {
    try {
      JSON.parse(body);
    } catch (error) {
      problems.push(
        `${status} with a body that is not JSON: ${(error as Error).message}`,
      );
    }
  }

  if (options.leaks) {
    const { detector, unreadable, records } = options.leaks;
    const addressed = addressedEntity(op, request, records);
    if (
      addressed &&
      unreadable.has(addressed) &&
      status >= 200 &&
      status < 300
    ) {
      problems.push(
        `leak: ${status} for ${addressed}, which the caller may not read (expected 404 or 403)`,
      );
    }
    const input = inputText(request);
    // An error that repeats what the caller wrote, or a write answered with what was
    // written, tells them nothing new (a 5xx is a failure of its own).
    const echoAllowed =
      status >= 400 || (request.method !== 'GET' && status < 300);
    for (const mention of detector.find(body, contentType)) {
      if (echoAllowed && input.includes(mention.name)) continue;
      problems.push(
        `leak: the ${status} answer mentions ${mention.entity}, which the caller may not read: ${mention.excerpt}`,
      );
    }
  }
  return problems;
}

/** Why `body` is not Backstage's error body for `status`, if it is not. */
export function errorShapeProblem(
  status: number,
  body: string,
  contentType: string,
): string | undefined {
  if (!contentType.includes('application/json')) {
    return `content type ${JSON.stringify(contentType)}, body ${JSON.stringify(
      body.slice(0, 200),
    )}`;
  }
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `not JSON: ${JSON.stringify(body.slice(0, 200))}`;
  }
  if (
    typeof parsed?.error?.name !== 'string' ||
    typeof parsed?.error?.message !== 'string'
  ) {
    return `no error.name and error.message: ${body.slice(0, 200)}`;
  }
  if (parsed?.response?.statusCode !== status) {
    return `response.statusCode is ${parsed?.response?.statusCode}, not ${status}`;
  }
  return undefined;
}
