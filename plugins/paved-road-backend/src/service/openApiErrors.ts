import { InputError, isError } from '@backstage/errors';
import express from 'express';
import { spec } from '../schema/openapi';
import { Refinements } from './refinements';
import { describeIssues, InputIssue } from './validation';

type Location = 'body' | 'query' | 'params' | 'headers';

const WHERE: Record<Location, string> = {
  body: 'request body',
  query: 'query parameters',
  params: 'path parameters',
  headers: 'headers',
};

interface Issue extends InputIssue {
  location: Location;
}

/** Where an issue is: its location and the path in it. */
const placeOf = (issue: Issue) =>
  `${issue.location} ${describeIssues([{ path: issue.path, message: '' }])}`;

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
};
type Operation = {
  operationId: string;
  parameters?: ReadonlyArray<{ $ref?: string; name?: string; in?: string }>;
  requestBody?: { content: { 'application/json': { schema: Schema } } };
};

const doc = spec as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    parameters: Record<string, { name: string; in: string }>;
  };
};

/** The spec's operations, each with a pattern for the paths it answers. */
const operations = Object.entries(doc.paths).flatMap(([template, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    method: method.toUpperCase(),
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    operation,
  })),
);

function operationOf(req: express.Request): Operation | undefined {
  return operations.find(
    o => o.method === req.method && o.pattern.test(req.path),
  )?.operation;
}

/** A `#/components/<section>/<name>` reference followed. */
function resolve<T extends { $ref?: string }>(value: T): T {
  if (!value.$ref) return value;
  const [, , section, name] = value.$ref.split('/');
  const components = doc.components as unknown as Record<
    string,
    Record<string, T>
  >;
  return components[section][name];
}

/** The names a body object at `path` may have, when the spec lists them. */
function knownProperties(
  operation: Operation | undefined,
  path: PropertyKey[],
) {
  let schema = operation?.requestBody?.content['application/json'].schema;
  for (const key of path) {
    if (!schema) return undefined;
    schema = resolve(schema);
    schema =
      typeof key === 'number' ? schema.items : schema.properties?.[String(key)];
  }
  const properties = schema && resolve(schema).properties;
  return properties && Object.keys(properties);
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, key) => (v as Record<PropertyKey, unknown> | undefined)?.[key],
    value,
  );
}

/**
 * The validator's errors: its message lists AJV's errors as
 * `request/<location>/<json pointer> <message>`, separated by commas.
 */
function specIssues(
  message: string,
  req: express.Request,
  operation: Operation | undefined,
): Issue[] | undefined {
  const items = message.split(/, (?=request\/)/);
  const issues: Issue[] = [];
  // AJV reports every unknown property of an object as its own error: the object's
  // keys are listed once, not once per error (quadratic in the keys).
  const expanded = new Set<string>();
  for (const item of items) {
    const match = item.match(
      /^request\/(body|query|params|headers)((?:\/\S*)?) (.*)$/s,
    );
    if (!match) return undefined;
    const location = match[1] as Location;
    const path: PropertyKey[] = match[2]
      .split('/')
      .slice(1)
      .map(k => k.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map(k => (/^\d+$/.test(k) ? Number(k) : k));
    const text = match[3];
    const required = text.match(/^must have required property '(.+)'$/);
    if (required) {
      issues.push({
        location,
        path: [...path, required[1]],
        message: 'is required',
      });
      continue;
    }
    if (text === 'must NOT have additional properties') {
      const known = location === 'body' && knownProperties(operation, path);
      const value = known && valueAt(req.body, path);
      if (known && value && typeof value === 'object') {
        if (expanded.has(match[2])) continue;
        expanded.add(match[2]);
        for (const key of Object.keys(value)) {
          if (!known.includes(key)) {
            issues.push({
              location,
              path: [...path, key],
              message: 'is not allowed',
            });
          }
        }
        continue;
      }
    }
    issues.push({ location, path, message: text });
  }
  // The same problem can be reported once per failing branch (oneOf).
  const seen = new Set<string>();
  return issues.filter(issue => {
    const key = `${placeOf(issue)}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The operation's query parameters, in the spec's order. */
function queryParameters(operation: Operation | undefined) {
  return (operation?.parameters ?? [])
    .map(p => resolve(p))
    .filter(p => p.in === 'query')
    .map(p => p.name ?? '');
}

/** The validator's own checks of query parameters, which stop at the first. */
function queryIssues(
  message: string,
  req: express.Request,
  operation: Operation | undefined,
): Issue[] | undefined {
  if (/^Unknown query parameter '.*'$/s.test(message)) {
    const known = queryParameters(operation);
    return Object.keys(req.query)
      .filter(name => !known.includes(name))
      .map(name => ({
        location: 'query',
        path: [name],
        message: 'is not allowed',
      }));
  }
  const empty = message.match(
    /^Empty value found for query parameter '(.*)'$/s,
  );
  return empty
    ? [{ location: 'query', path: [empty[1]], message: 'must not be empty' }]
    : undefined;
}

/** What the refinements add: their own checks only, not type or presence errors. */
function refinementIssues(
  refinements: Refinements[string] | undefined,
  req: express.Request,
): Issue[] {
  return (['body', 'query'] as const).flatMap(location => {
    const result = refinements?.[location]?.safeParse(req[location] ?? {});
    return (result?.error?.issues ?? [])
      .filter(i => i.code === 'custom' || i.code === 'invalid_format')
      .map(i => ({ location, path: i.path, message: i.message }));
  });
}

/**
 * Answers a request the spec's validator refused like the plugin's own checks do: one
 * `InputError` per place, `Invalid request body: templateRef: ...; hoursSaved: ...`,
 * naming every offending field or parameter, with what the refinements find added (and
 * preferred over the spec's bare pattern or format message for the same field).
 *
 * @internal
 */
export function openApiErrorHandler(
  refinements: Refinements,
): express.ErrorRequestHandler {
  return (error, req, _res, next) => {
    if (!isError(error) || error.name !== 'InputError') {
      next(error);
      return;
    }
    const operation = operationOf(req);
    const found =
      queryIssues(error.message, req, operation) ??
      specIssues(error.message, req, operation);
    if (!found) {
      next(error);
      return;
    }
    const refined = refinementIssues(
      operation && refinements[operation.operationId],
      req,
    );
    // In the spec's order of fields and parameters, as a client reads its request.
    const order = [
      ...(knownProperties(operation, []) ?? []),
      ...queryParameters(operation),
    ];
    const rank = (issue: Issue) => {
      const index = order.indexOf(String(issue.path[0]));
      return index < 0 ? order.length : index;
    };
    const refinedPlaces = new Set(refined.map(placeOf));
    const issues = [
      ...found.filter(
        issue =>
          !/^must match (pattern|format)/.test(issue.message) ||
          !refinedPlaces.has(placeOf(issue)),
      ),
      ...refined,
    ].sort((a, b) => rank(a) - rank(b));
    const places = (Object.keys(WHERE) as Location[]).filter(location =>
      issues.some(i => i.location === location),
    );
    next(
      new InputError(
        places
          .map(
            location =>
              `Invalid ${WHERE[location]}: ${describeIssues(
                issues.filter(i => i.location === location),
              )}`,
          )
          .join('; '),
      ),
    );
  };
}
