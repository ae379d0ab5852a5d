import { Table, TableColumn } from '@backstage/core-components';
import { Button } from '@material-ui/core';
import { CampaignTeamProgress } from '@paved-road/backstage-plugin-common';
import { EntityNameLink } from '../shared/EntityNameLink';
import { shortRef } from '../shared/shortRef';
import { percent } from './campaignText';

/** Most to do first, then the largest, then by name. */
export function sortTeams(teams: CampaignTeamProgress[]) {
  return [...teams].sort(
    (a, b) =>
      b.todo - a.todo || b.entities - a.entities || a.ref.localeCompare(b.ref),
  );
}

/**
 * The owners of a campaign's entities over the group tree (a group counts its
 * subgroups' entities too), most to do first; choosing one shows its entities.
 */
export function CampaignTeamsTable(props: {
  teams: CampaignTeamProgress[];
  onSelect: (ownerRef: string) => void;
}) {
  const columns: TableColumn<CampaignTeamProgress>[] = [
    {
      title: 'Team',
      highlight: true,
      render: row => (
        <EntityNameLink entityRef={row.ref}>{shortRef(row.ref)}</EntityNameLink>
      ),
    },
    { title: 'Part of', render: row => shortRef(row.parent) },
    { title: 'To do', field: 'todo', type: 'numeric' },
    { title: 'Done', field: 'done', type: 'numeric' },
    { title: 'Exempt', field: 'exempt', type: 'numeric' },
    { title: 'Entities', field: 'entities', type: 'numeric' },
    {
      title: 'Complete',
      type: 'numeric',
      render: row =>
        percent(row.entities ? (row.done + row.exempt) / row.entities : 1),
    },
    {
      title: '',
      render: row => (
        <Button
          size="small"
          color="primary"
          style={{ whiteSpace: 'nowrap' }}
          aria-label={`Show the entities of ${shortRef(row.ref)}`}
          onClick={() => props.onSelect(row.ref)}
        >
          Show entities
        </Button>
      ),
    },
  ];
  return (
    <Table<CampaignTeamProgress>
      title="Teams"
      options={{
        paging: props.teams.length > 10,
        pageSize: 10,
        emptyRowsWhenPaging: false,
        search: false,
        sorting: false,
        padding: 'dense',
      }}
      columns={columns}
      data={sortTeams(props.teams)}
    />
  );
}
