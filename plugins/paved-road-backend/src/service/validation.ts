import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** One problem with a request, at a field or parameter (`path`). */
export interface InputIssue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

/** The most issues one answer lists; the rest are counted. */
const MAX_LISTED = 20;

/** `a.b[2].c: message; ...`, as bad requests are answered (20 at most, then a count). */
export function describeIssues(issues: InputIssue[]): string {
  const more = issues.length - MAX_LISTED;
  return issues
    .slice(0, MAX_LISTED)
    .map(({ path, message }) => {
      const field = path
        .map((key, index) => {
          if (typeof key === 'number') return `[${key}]`;
          return index ? `.${String(key)}` : String(key);
        })
        .join('');
      return field ? `${field}: ${message}` : message;
    })
    .concat(more > 0 ? [`and ${more} more`] : [])
    .join('; ');
}

/**
 * Parses `value` with `schema`, turning every issue into one `InputError` that names the
 * place (`where`, e.g. "request body") and the path of each offending field.
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  throw new InputError(
    `Invalid ${where}: ${describeIssues(result.error.issues)}`,
  );
}

/**
 * `value`, as the OpenAPI spec has validated it, checked by `refinement` too (an
 * `InputError` as {@link parseInput} throws) and with the fields it normalises replaced.
 */
export function refine<V extends object, T extends z.ZodType<object>>(
  refinement: T,
  value: V,
  where: string,
): Omit<V, keyof z.infer<T>> & z.infer<T> {
  return { ...value, ...parseInput(refinement, value, where) };
}

const validator = makeValidator();

/**
 * A zod schema for an entity ref, normalised to `kind:namespace/name`; `defaultKind`
 * fills a missing kind, `kinds` restricts it.
 */
export const entityRefSchema = (defaultKind?: string, kinds?: string[]) =>
  z.string().transform((value, ctx) => {
    try {
      const parsed = parseEntityRef(value, {
        defaultKind,
        defaultNamespace: 'default',
      });
      if (
        !validator.isValidKind(parsed.kind) ||
        !validator.isValidNamespace(parsed.namespace) ||
        !validator.isValidEntityName(parsed.name)
      ) {
        throw new Error('invalid');
      }
      const kind = parsed.kind.toLocaleLowerCase('en-US');
      if (kinds && !kinds.includes(kind)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a ${kinds.join(' or ')} entity ref`,
        });
        return z.NEVER;
      }
      return stringifyEntityRef(parsed);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `'${value}' is not an entity ref`,
      });
      return z.NEVER;
    }
  });

/**
 * The entity ref named by a route's `:kind/:namespace/:name` path parameters, each
 * checked as the catalog checks them (a `%2F` in one would otherwise make another ref
 * or none): an `InputError` naming each parameter that is not valid.
 */
export function entityRefFromPath(params: {
  kind: string;
  namespace: string;
  name: string;
}): string {
  const { kind, namespace, name } = params;
  const issues: InputIssue[] = [];
  if (!validator.isValidKind(kind)) {
    issues.push({ path: ['kind'], message: `'${kind}' is not an entity kind` });
  }
  if (!validator.isValidNamespace(namespace)) {
    issues.push({
      path: ['namespace'],
      message: `'${namespace}' is not an entity namespace`,
    });
  }
  if (!validator.isValidEntityName(name)) {
    issues.push({ path: ['name'], message: `'${name}' is not an entity name` });
  }
  if (issues.length) {
    throw new InputError(`Invalid path parameters: ${describeIssues(issues)}`);
  }
  return stringifyEntityRef({ kind, namespace, name });
}
