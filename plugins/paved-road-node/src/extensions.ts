import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';

/**
 * Facts about one entity, keyed by fact name. Values are JSON.
 *
 * @public
 */
export type PavedRoadFacts = Record<string, unknown>;

/**
 * A source of facts about catalog entities, such as the entity itself, its golden-path
 * provenance, its repository's files, or a module's own system.
 *
 * @public
 */
export interface PavedRoadFactSource {
  /** Unique id; facts from this source are exposed under this key. */
  id: string;
  /** One sentence shown in listings of fact sources. */
  description: string;
  /** Whether this source has facts for the entity; all entities when omitted. */
  appliesTo?(entity: Entity): boolean;
  /** Collects the facts for one entity. Throwing marks the source's facts as failed. */
  collect(options: { entity: Entity }): Promise<PavedRoadFacts>;
}

/**
 * Lets backend modules add fact sources to the Paved Road backend.
 *
 * @public
 */
export interface PavedRoadFactSourcesExtensionPoint {
  /**
   * Adds fact sources, collected for every entity they apply to on each evaluation
   * beside the built-in sources.
   */
  addFactSource(...sources: PavedRoadFactSource[]): void;
}

/**
 * The extension point for fact sources, id `paved-road.fact-sources`.
 *
 * @public
 */
export const pavedRoadFactSourcesExtensionPoint =
  createExtensionPoint<PavedRoadFactSourcesExtensionPoint>({
    id: 'paved-road.fact-sources',
  });

/**
 * A value operator a module adds to the scorecard rule language, used in rules as
 * `{ "<fact path>": { "<name>": <operand> } }`.
 *
 * @public
 */
export interface PavedRoadRuleOperator<TOperand = any> {
  /** The key, starting with `$`, e.g. `$cvssBelow`. */
  name: `$${string}`;
  /**
   * Checks the operand when definitions load and prepares it (e.g. compiles it).
   * Throws an `Error` whose message says what is wrong; it is reported with the key.
   */
  prepare(operand: unknown): TOperand;
  /** Whether the value at the path (`undefined` when absent) satisfies the operator. */
  test(value: unknown, operand: TOperand): boolean;
}

/**
 * Lets backend modules add operators to the scorecard rule language.
 *
 * @public
 */
export interface PavedRoadRuleOperatorsExtensionPoint {
  /** Adds operators that scorecard rules and `appliesTo` filters can then use. */
  addRuleOperator(...operators: PavedRoadRuleOperator[]): void;
}

/**
 * The extension point for rule operators, id `paved-road.rule-operators`.
 *
 * @public
 */
export const pavedRoadRuleOperatorsExtensionPoint =
  createExtensionPoint<PavedRoadRuleOperatorsExtensionPoint>({
    id: 'paved-road.rule-operators',
  });
