import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, isError } from '@backstage/errors';

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
