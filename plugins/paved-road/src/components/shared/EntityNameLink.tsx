import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';

/** The entity's name, linking to its catalog page. */
export function EntityNameLink(props: { entityRef: string }) {
  const entityRoute = useRouteRef(entityRouteRef);
  const { kind, namespace, name } = parseEntityRef(props.entityRef);
  return <Link to={entityRoute({ kind, namespace, name })}>{name}</Link>;
}
