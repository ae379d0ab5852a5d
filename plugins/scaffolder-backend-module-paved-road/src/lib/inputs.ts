import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, isError } from '@backstage/errors';
import path from 'node:path';

/**
 * `value` resolved inside `root` (`resolveSafeChildPath`); a path that points outside it
 * is refused with an error naming the input `field`.
 */
export function resolveInputPath(
  root: string,
  value: string,
  field: string,
): string {
  try {
    return resolveSafeChildPath(root, value);
  } catch (error) {
    if (isError(error) && error.name === 'NotAllowedError') {
      throw new InputError(`${field}: '${value}' is outside the workspace`);
    }
    throw error;
  }
}

/** What a file-system error code says about the path it names. */
const FS_PROBLEMS: Record<string, string> = {
  ENOENT: 'does not exist in the workspace',
  ENOTDIR: 'is not a folder',
  EISDIR: 'is a folder, not a file',
  EACCES: 'is not accessible (permission denied)',
  EPERM: 'is not accessible (operation not permitted)',
  ELOOP: 'is a loop of symbolic links',
  ENAMETOOLONG: 'is too long a name',
};

/** A Node.js file-system error: a `code`, and the absolute `path` it failed on. */
function isFsError(error: unknown): error is Error & {
  code: string;
  path?: string;
} {
  return (
    isError(error) && typeof (error as { code?: unknown }).code === 'string'
  );
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/**
 * A file-system failure on the workspace path `value`, given as the input `field`, as an
 * `InputError` naming the input and the path as given, or for a file below it the path
 * relative to the workspace; never the server's absolute path. `doing` says what failed
 * for codes that say nothing about the path (e.g. `could not be copied`). Errors that
 * are not file-system errors are returned as they are.
 */
export function workspaceFsError(
  error: unknown,
  options: {
    field: string;
    value: string;
    workspacePath: string;
    doing?: string;
  },
): unknown {
  if (!isFsError(error)) return error;
  const { field, value, workspacePath, doing = 'could not be read' } = options;
  let subject = `'${value}'`;
  if (error.path) {
    const failed = toPosix(path.relative(workspacePath, error.path));
    const given = toPosix(
      path.relative(workspacePath, path.resolve(workspacePath, value)),
    );
    if (
      failed !== given &&
      !failed.startsWith('..') &&
      !path.isAbsolute(failed)
    ) {
      subject = `'${failed}' (in '${value}')`;
    }
  }
  const problem = FS_PROBLEMS[error.code] ?? `${doing} (${error.code})`;
  return new InputError(`${field}: ${subject} ${problem}`);
}

/**
 * ` (EEXIST: file already exists)`: what a file-system error says, without the path it
 * names (Node puts the server's absolute path in its messages); `''` for other errors.
 */
export function describeFsFailure(error: unknown): string {
  if (!isFsError(error)) return '';
  const what = error.message.match(/^([A-Z][A-Z_]*: [^,']*)(?:,|$)/)?.[1];
  return ` (${what ?? error.code})`;
}

const validator = makeValidator();

/**
 * An entity ref given as input, normalised to `kind:namespace/name` and checked as the
 * catalog checks it (so the Paved Road backend accepts it too); errors name `field`.
 * `defaultKind` fills a missing kind; `kind` requires one.
 */
export function parseEntityRefInput(
  value: string,
  field: string,
  options: { defaultKind?: string; kind?: string } = {},
): string {
  let ref;
  try {
    ref = parseEntityRef(value, {
      defaultKind: options.defaultKind,
      defaultNamespace: 'default',
    });
  } catch {
    ref = undefined;
  }
  if (
    !ref ||
    !validator.isValidKind(ref.kind) ||
    !validator.isValidNamespace(ref.namespace) ||
    !validator.isValidEntityName(ref.name)
  ) {
    throw new InputError(`${field}: '${value}' is not an entity ref`);
  }
  if (options.kind && ref.kind.toLocaleLowerCase('en-US') !== options.kind) {
    throw new InputError(
      `${field}: '${value}' must be a ${options.kind} entity ref`,
    );
  }
  return stringifyEntityRef(ref);
}
