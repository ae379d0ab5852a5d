import { parseEntityRef } from '@backstage/catalog-model';

/**
 * An entity ref as a table shows it: without the default namespace, and without the
 * kind when it is the expected one (`group:default/orders` reads `orders`,
 * `user:default/derek.olsen` reads `user:derek.olsen`). Unparseable values as given.
 */
export function shortRef(
  ref: string | null | undefined,
  defaultKind = 'group',
): string {
  if (!ref) return '';
  try {
    const { kind, namespace, name } = parseEntityRef(ref, {
      defaultKind,
      defaultNamespace: 'default',
    });
    const ns = namespace === 'default' ? '' : `${namespace}/`;
    return kind.toLocaleLowerCase('en-US') === defaultKind
      ? `${ns}${name}`
      : `${kind.toLocaleLowerCase('en-US')}:${ns}${name}`;
  } catch {
    return ref;
  }
}
