import { Table, TableColumn } from '@backstage/core-components';
import { ScopeAggregate } from '@paved-road/backstage-plugin-common';

interface CheckRow {
  id: string;
  scorecard: string;
  check: string;
  fail: number;
  unknown: number;
  passRate: string;
  teams: string;
}

const teamName = (ref: string) => ref.replace(/^group:(default\/)?/, '');

/**
 * The checks failed by the most entities in the scope, with the teams (leaf groups of
 * the group tree) that fail them most, all from the server-side aggregates.
 */
export function ChecksTable(props: {
  scope: ScopeAggregate;
  groups: ScopeAggregate[];
  parents: Map<string, string>;
  scorecardId?: string;
}) {
  const { scope, groups, parents, scorecardId } = props;
  const parentRefs = new Set(parents.values());
  const teams = groups.filter(g => !parentRefs.has(g.ref));
  const failingTeams = (scorecard: string, check: string) =>
    teams
      .map(g => ({
        ref: g.ref,
        fail: g.scorecards[scorecard]?.checks[check]?.fail ?? 0,
      }))
      .filter(t => t.fail > 0)
      .sort((a, b) => b.fail - a.fail || a.ref.localeCompare(b.ref))
      .slice(0, 3)
      .map(t => `${teamName(t.ref)} (${t.fail})`)
      .join(', ');
  const rows: CheckRow[] = Object.entries(scope.scorecards)
    .filter(([id]) => !scorecardId || id === scorecardId)
    .flatMap(([scorecard, agg]) =>
      Object.entries(agg.checks).map(([check, c]) => ({
        id: `${scorecard}/${check}`,
        scorecard,
        check,
        fail: c.fail,
        unknown: c.unknown,
        passRate: `${Math.round(c.passRate * 100)}%`,
        teams: c.fail ? failingTeams(scorecard, check) : '',
      })),
    )
    .filter(r => r.fail > 0)
    .sort((a, b) => b.fail - a.fail || a.id.localeCompare(b.id));
  const columns: TableColumn<CheckRow>[] = [
    { title: 'Check', field: 'check', highlight: true },
    { title: 'Scorecard', field: 'scorecard' },
    { title: 'Failing entities', field: 'fail', type: 'numeric' },
    { title: 'Unknown', field: 'unknown', type: 'numeric' },
    { title: 'Pass rate', field: 'passRate' },
    { title: 'Teams failing most', field: 'teams' },
  ];
  return (
    <Table<CheckRow>
      title="Most-failed checks"
      options={{
        paging: true,
        pageSize: 10,
        emptyRowsWhenPaging: false,
        search: false,
        padding: 'dense',
      }}
      columns={columns}
      data={rows}
      emptyContent={<div style={{ padding: 16 }}>No failing checks.</div>}
    />
  );
}
