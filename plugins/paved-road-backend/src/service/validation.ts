import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

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
  const details = result.error.issues
    .map(issue => {
      const path = issue.path.join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  throw new InputError(`Invalid ${where}: ${details}`);
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
