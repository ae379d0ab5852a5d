import { ScorecardDefinition } from '@paved-road/backstage-plugin-common';

/**
 * Level ids in ladder order, lowest first: `none` (below the lowest level), then the
 * scorecard's levels as defined; ids the definition does not know keep their order at
 * the end. Without a definition, the ids as given.
 */
export function orderLevels(
  ids: string[],
  definition?: Pick<ScorecardDefinition, 'levels'>,
): string[] {
  if (!definition) return ids;
  const rank = new Map<string, number>([
    ['none', -1],
    ...definition.levels.map((level, i) => [level.id, i] as [string, number]),
  ]);
  const unknown = definition.levels.length;
  return ids
    .map((id, i) => ({ id, i }))
    .sort(
      (a, b) =>
        (rank.get(a.id) ?? unknown) - (rank.get(b.id) ?? unknown) || a.i - b.i,
    )
    .map(({ id }) => id);
}
