import { Table, TableColumn } from '@backstage/core-components';
import { Link as MuiLink } from '@material-ui/core';
import {
  ScopeAggregate,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';
import { orderLevels } from './levelOrder';

interface TeamRow {
  id: string;
  parentId?: string;
  entities: number;
  adoption: string;
  behind: number;
  hoursSaved: number;
  levels: string;
}

/**
 * Groups with their roll-ups over the whole subtree, as a tree; choosing a team
 * scopes the dashboard to it.
 */
export function TeamsTable(props: {
  groups: ScopeAggregate[];
  parents: Map<string, string>;
  scorecardId?: string;
  /** For the levels' ladder order. */
  definitions?: ScorecardDefinition[];
  onSelect: (groupRef: string) => void;
}) {
  const { groups, parents, scorecardId, onSelect } = props;
  const definition = props.definitions?.find(d => d.id === scorecardId);
  const refs = new Set(groups.map(g => g.ref));
  const rows: TeamRow[] = groups.map(g => {
    const parent = parents.get(g.ref);
    const levels = scorecardId ? g.scorecards[scorecardId]?.levels ?? {} : {};
    return {
      id: g.ref,
      parentId: parent && refs.has(parent) ? parent : undefined,
      entities: g.entities,
      adoption: `${Math.round(g.goldenPath.rate * 100)}% (${
        g.goldenPath.adopted
      }/${g.goldenPath.eligible})`,
      behind: (g.drift.minor ?? 0) + (g.drift.major ?? 0),
      hoursSaved: Math.round(g.hoursSaved),
      levels: orderLevels(Object.keys(levels), definition)
        .map(level => `${level} ${levels[level]}`)
        .join(', '),
    };
  });
  const columns: TableColumn<TeamRow>[] = [
    {
      title: 'Team',
      field: 'id',
      highlight: true,
      render: row => (
        <MuiLink
          component="button"
          variant="body2"
          onClick={() => onSelect(row.id)}
        >
          {row.id.replace(/^group:(default\/)?/, '')}
        </MuiLink>
      ),
    },
    { title: 'Entities', field: 'entities', type: 'numeric' },
    { title: 'Golden-path adoption', field: 'adoption' },
    { title: 'Behind a minor or more', field: 'behind', type: 'numeric' },
    { title: 'Hours saved', field: 'hoursSaved', type: 'numeric' },
    {
      title: scorecardId ? `Levels (${scorecardId})` : 'Levels',
      field: 'levels',
    },
  ];
  return (
    <Table<TeamRow>
      title="Teams"
      options={{
        paging: true,
        pageSize: 10,
        emptyRowsWhenPaging: false,
        search: true,
        padding: 'dense',
      }}
      parentChildData={(row, all) => all.find(r => r.id === row.parentId)}
      columns={columns}
      data={rows}
    />
  );
}
