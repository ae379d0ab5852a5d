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
