import { ScorecardDefinition } from '@paved-road/backstage-plugin-common';
import { createHash } from 'node:crypto';
import { compileScorecards, CompiledScorecard } from '../scorecards/evaluator';
import { ScorecardRuleOperator } from '../scorecards/operators';

/**
 * The compiled scorecards and the hashes that tell what changed.
 *
 * @internal
 */
export interface LoadedScorecards {
  definitions: ScorecardDefinition[];
  compiled: CompiledScorecard[];
  /** Of every definition and what they are evaluated with. */
  hash: string;
  /**
   * Of what every scorecard is evaluated with (the fact sources and rule operators):
   * when it changes, every entity is evaluated afresh.
   */
  baseHash: string;
  /** Each scorecard's own hash, by id: a changed scorecard is re-evaluated alone. */
  scorecardHashes: Record<string, string>;
}

/**
 * The hashes a pass evaluated with, stored for the next pass to compare.
 *
 * @internal
 */
export type StoredHashes = Pick<
  LoadedScorecards,
  'baseHash' | 'scorecardHashes'
>;

const sha256 = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * Compiles definitions and hashes them with the fact sources they read.
 *
 * @internal
 */
export function loadScorecards(
  definitions: ScorecardDefinition[],
  factSourceIds: string[],
  operators?: Iterable<ScorecardRuleOperator>,
): LoadedScorecards {
  const operatorList = operators ? [...operators] : [];
  return {
    definitions,
    compiled: compileScorecards(definitions, { operators: operatorList }),
    hash: sha256({
      definitions,
      factSourceIds,
      operators: operatorList.map(o => o.name),
    }),
    baseHash: sha256({
      factSourceIds,
      operators: operatorList.map(o => o.name),
    }),
    scorecardHashes: Object.fromEntries(
      definitions.map(d => [d.id, sha256(d)]),
    ),
  };
}
