import {
  CustomErrorBase,
  ErrorResponseBody,
  InputError,
  serializeError,
} from '@backstage/errors';
import express from 'express';
import { describeIssues, InputIssue } from './validation';

/**
 * How deep a JSON body may nest (pushed facts, scorecard rules): deeper than any real
 * facts need, and shallow enough that no recursive walk over it (size checks, hashing,
 * the database driver) can exhaust the stack.
 *
 * @internal
 */
export const MAX_JSON_DEPTH = 64;

/** A request body in a content type the API does not read (415). @internal */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  name = 'UnsupportedMediaTypeError' as const;
  statusCode = 415;
}

const hasNul = (value: string) => value.includes('\u0000');
const NUL = 'must not contain NUL characters';

/**
 * Checks a parsed JSON body without recursion: depth, NUL characters in keys and
 * strings, and numbers outside the float range (`1e309` parses as Infinity, which JSON
 * cannot store). Returns at most `limit` issues, each at its field.
 */
function bodyIssues(body: unknown, limit = 10): InputIssue[] {
  const issues: InputIssue[] = [];
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [
    { value: body, path: [] },
  ];
  while (stack.length && issues.length < limit) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (hasNul(value)) issues.push({ path, message: NUL });
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        issues.push({
          path,
          message: 'must be a number within the float range',
        });
      }
    } else if (value !== null && typeof value === 'object') {
      if (path.length >= MAX_JSON_DEPTH) {
        issues.push({
          path: path.slice(0, 1),
          message: `must nest at most ${MAX_JSON_DEPTH} levels deep`,
        });
        continue;
      }
      const entries: Array<[PropertyKey, unknown]> = Array.isArray(value)
        ? value.map((v, i) => [i, v])
        : Object.entries(value);
      for (const [key, child] of entries) {
        if (typeof key === 'string' && hasNul(key)) {
          issues.push({
            path,
            message: 'must not have a key with a NUL character',
          });
        } else {
          stack.push({ value: child, path: [...path, key] });
        }
      }
    }
  }
  return issues;
}

/** A request's query parameters with a NUL character, by name. */
function queryIssues(query: express.Request['query']): InputIssue[] {
  return Object.entries(query)
    .filter(([key, value]) =>
      [key, ...(Array.isArray(value) ? value : [value])].some(
        v => typeof v === 'string' && hasNul(v),
      ),
    )
    .map(([key]) => ({
      path: [key.split('\u0000').join('\\0')],
      message: NUL,
    }));
}

function decodedPath(req: express.Request): string | undefined {
  try {
    return decodeURIComponent(req.path);
  } catch {
    return undefined;
  }
}

/**
 * Answers with Backstage's error body and `status`, for errors that must not reach the
 * OpenAPI validator's error handling (which turns every earlier error into a 400).
 *
 * @internal
 */
export function sendError(
  req: express.Request,
  res: express.Response,
  error: Error,
  status: number,
) {
  const body: ErrorResponseBody = {
    error: serializeError(error),
    request: { method: req.method, url: req.originalUrl },
    response: { statusCode: status },
  };
  res.status(status).json(body);
}

/**
 * What every request is checked for before the OpenAPI validator and the handlers see
 * it, whatever its route, so no malformed value reaches the database or a recursive
 * walk: the path and query free of NUL characters (PostgreSQL refuses them in text, as
 * a 500), a body only as `application/json`, and a JSON body within
 * {@link MAX_JSON_DEPTH}, free of NUL characters, with finite numbers. Bad requests are
 * answered 400 (415 for the content type) naming the place and the field.
 *
 * @internal
 */
export function requestGuards(): express.RequestHandler {
  return (req, res, next) => {
    const path = decodedPath(req);
    if (path === undefined) {
      throw new InputError(`Invalid path: '${req.path}' is not URL-encoded`);
    }
    if (hasNul(path)) {
      throw new InputError(`Invalid path parameters: ${NUL}`);
    }
    const query = queryIssues(req.query);
    if (query.length) {
      throw new InputError(
        `Invalid query parameters: ${describeIssues(query)}`,
      );
    }
    const length = Number(req.headers['content-length'] ?? 0);
    const hasBody =
      length > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json')) {
      // Answered here: errors raised before the OpenAPI validator all become 400s.
      const error = new UnsupportedMediaTypeError(
        `Invalid request: the body must be application/json, got ${
          req.headers['content-type'] ?? 'no Content-Type'
        }`,
      );
      sendError(req, res, error, 415);
      return;
    }
    if (req.body !== undefined) {
      const body = bodyIssues(req.body);
      if (body.length) {
        throw new InputError(`Invalid request body: ${describeIssues(body)}`);
      }
    }
    next();
  };
}
