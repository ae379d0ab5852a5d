import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import { Typography } from '@material-ui/core';
import { formatDay } from './campaignText';
import { useEntityCampaigns } from './useEntityCampaigns';

/**
 * One line for the Scorecards card: "In 2 campaigns: 1 to do by 31 Jan 2027", linking
 * to the entity's Scorecards tab. Renders nothing when the entity is in no campaign.
 */
export function EntityCampaignsSummary() {
  const { entity } = useEntity();
  const entityRoute = useRouteRef(entityRouteRef);
  const campaigns = useEntityCampaigns();
  const items = campaigns.value ?? [];
  if (!items.length) return null;
  const todo = items.filter(i => i.entity.state === 'todo');
  const overdue = todo.filter(i => i.entity.overdue).length;
  const nearest = todo.map(i => i.campaign.deadline).sort()[0];
  const tab = `${entityRoute({
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  })}/scorecards`;
  let text = `In ${items.length} campaign${items.length === 1 ? '' : 's'}: `;
  if (!todo.length) text += 'all done';
  else if (overdue) text += `${todo.length} to do, ${overdue} overdue`;
  else text += `${todo.length} to do by ${formatDay(nearest)}`;
  return (
    <Typography variant="body2" color={overdue ? 'error' : 'textPrimary'}>
      <Link to={tab}>{text}</Link>
    </Typography>
  );
}
