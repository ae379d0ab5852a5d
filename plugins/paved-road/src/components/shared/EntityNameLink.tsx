import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ReactNode } from 'react';

/**
 * The entity's name (or `children`, e.g. its title), linking to its catalog page, with an
 * optional tooltip.
 */
export function EntityNameLink(props: {
  entityRef: string;
  title?: string;
  children?: ReactNode;
}) {
  const entityRoute = useRouteRef(entityRouteRef);
  const { kind, namespace, name } = parseEntityRef(props.entityRef);
  return (
    <Link
      to={entityRoute({
        kind: kind.toLocaleLowerCase('en-US'),
        namespace,
        name,
      })}
      title={props.title}
    >
      {props.children ?? name}
    </Link>
  );
}
