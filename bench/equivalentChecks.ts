/*
 * Twenty checks that Paved Road and Tech Insights (jsonfc) can both express over the same
 * per-entity data, the catalog entity, so the benchmark compares the two systems on the
 * same work: one table, each row a Paved Road rule over its built-in `entity` fact source
 * and the semantically identical json-rules-engine condition over the facts that the
 * Tech Insights retriever below computes from the entity.
 *
 * The retriever computes exactly the per-entity values those conditions read, in one
 * pass over the entity, the way Paved Road's `entity` fact source does. Where
 * json-rules-engine has no operator for a test (presence of a value, a string prefix),
 * the fact is the boolean or the extracted part, as Tech Insights' own retrievers do
 * (`hasOwner`, `hasTags`, ...); the comment on each fact says which rule it mirrors.
 *
 * Equality: Paved Road compares strings case-insensitively, json-rules-engine exactly;
 * the synthetic catalog's values are all lower case (and kinds as spelled here), so the
 * results are identical on it.
 */
import { Entity } from '@backstage/catalog-model';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  FactRetriever,
  techInsightsFactRetrieversExtensionPoint,
} from '@backstage-community/plugin-tech-insights-node';

/** The Tech Insights fact retriever's id (also its key under `techInsights.factRetrievers`). */
export const FACT_RETRIEVER_ID = 'pavedRoadBenchEntityFacts';

/** The Paved Road scorecard's id. */
export const EQUIVALENT_SCORECARD_ID = 'bench-equivalent';

/** Department-0's teams in the synthetic catalog (team-t with t % 8 === 0). */
const DEPARTMENT_0_OWNERS = [0, 8, 16, 24, 32, 40, 48, 56].map(
  t => `group:default/team-${t}`,
);
/** The latest version of each golden-path template in the synthetic catalog. */
const LATEST_TEMPLATE_VERSIONS = ['2.3.0', '1.4.0', '1.2.0', '1.1.0'];
const API_SERVICE_2X = ['2.3.0', '2.2.1', '2.0.0'];
const API_SERVICE = 'template:default/api-service';
const DEPLOYABLE_TYPES = ['service', 'worker', 'cron-job'];

type Condition = {
  fact: string;
  operator: string;
  value: string | number | boolean | string[];
};
type TopLevelCondition = { all: Condition[] } | { any: Condition[] };

export interface EquivalentCheck {
  id: string;
  title: string;
  level: 'bronze' | 'silver' | 'gold';
  /** The Paved Road rule, over the built-in `entity` fact source. */
  rule: JsonObject;
  /** The json-rules-engine conditions, over the facts of {@link entityFacts}. */
  conditions: TopLevelCondition;
}

const all = (...conditions: Condition[]): TopLevelCondition => ({
  all: conditions,
});
const any = (...conditions: Condition[]): TopLevelCondition => ({
  any: conditions,
});
const is = (fact: string, value: Condition['value']): Condition => ({
  fact,
  operator: 'equal',
  value,
});
const isIn = (fact: string, value: string[]): Condition => ({
  fact,
  operator: 'in',
  value,
});
const annotation = (key: string) => `entity.annotations.${key}`;

export const EQUIVALENT_CHECKS: EquivalentCheck[] = [
  {
    id: 'is-component',
    title: 'Is a Component',
    level: 'bronze',
    rule: { 'entity.kind': 'Component' },
    conditions: all(is('kind', 'Component')),
  },
  {
    id: 'has-owner',
    title: 'Has an owner',
    level: 'bronze',
    rule: { 'entity.owner': { $matches: '.' } },
    conditions: all(is('hasOwner', true)),
  },
  {
    id: 'owner-is-group',
    title: 'Owner is a group reference',
    level: 'bronze',
    rule: { 'entity.owner': { $hasPrefix: 'group:' } },
    conditions: all(is('ownerRefKind', 'group')),
  },
  {
    id: 'owned-by-department-0',
    title: 'Owned by a team of department-0',
    level: 'gold',
    rule: { 'entity.owner': { $in: DEPARTMENT_0_OWNERS } },
    conditions: all(isIn('owner', DEPARTMENT_0_OWNERS)),
  },
  {
    id: 'lifecycle-production',
    title: 'In production',
    level: 'silver',
    rule: { 'entity.lifecycle': 'production' },
    conditions: all(is('lifecycle', 'production')),
  },
  {
    id: 'has-system',
    title: 'Part of a system',
    level: 'bronze',
    rule: { 'entity.system': { $matches: '.' } },
    conditions: all(is('hasSystem', true)),
  },
  {
    id: 'has-techdocs',
    title: 'Has TechDocs',
    level: 'bronze',
    rule: { 'entity.hasTechDocs': true },
    conditions: all(is('hasTechDocs', true)),
  },
  {
    id: 'has-source-template',
    title: 'Scaffolded from a template',
    level: 'silver',
    rule: { [annotation('backstage.io/source-template')]: { $exists: true } },
    conditions: all(is('hasSourceTemplate', true)),
  },
  {
    id: 'from-api-service',
    title: 'Scaffolded from api-service',
    level: 'gold',
    rule: { [annotation('backstage.io/source-template')]: API_SERVICE },
    conditions: all(is('sourceTemplate', API_SERVICE)),
  },
  {
    id: 'has-template-version',
    title: 'Records a template version',
    level: 'silver',
    rule: {
      [annotation('backstage.io/template-version')]: { $exists: true },
    },
    conditions: all(is('hasTemplateVersion', true)),
  },
  {
    id: 'api-service-2x',
    title: 'On api-service 2.x',
    level: 'gold',
    rule: {
      $all: [
        { [annotation('backstage.io/source-template')]: API_SERVICE },
        {
          [annotation('backstage.io/template-version')]: {
            $in: API_SERVICE_2X,
          },
        },
      ],
    },
    conditions: all(
      is('sourceTemplate', API_SERVICE),
      isIn('templateVersion', API_SERVICE_2X),
    ),
  },
  {
    id: 'latest-template-version',
    title: 'On the latest version of a template',
    level: 'gold',
    rule: {
      [annotation('backstage.io/template-version')]: {
        $in: LATEST_TEMPLATE_VERSIONS,
      },
    },
    conditions: all(isIn('templateVersion', LATEST_TEMPLATE_VERSIONS)),
  },
  {
    id: 'has-scaffolded-at',
    title: 'Records when it was scaffolded',
    level: 'silver',
    rule: { [annotation('paved-road.io/scaffolded-at')]: { $exists: true } },
    conditions: all(is('hasScaffoldedAt', true)),
  },
  {
    id: 'no-escape-hatches',
    title: 'No escape hatches',
    level: 'gold',
    rule: {
      $not: { [annotation('paved-road.io/escape-hatches')]: { $exists: true } },
    },
    conditions: all(is('hasEscapeHatches', false)),
  },
  {
    id: 'platform-tool',
    title: 'Declared a platform tool',
    level: 'gold',
    rule: { [annotation('paved-road.io/platform-tool')]: 'true' },
    conditions: all(is('platformTool', 'true')),
  },
  {
    id: 'type-service',
    title: 'Is a service',
    level: 'silver',
    rule: { 'entity.type': 'service' },
    conditions: all(is('type', 'service')),
  },
  {
    id: 'deployable-type',
    title: 'Is deployable',
    level: 'silver',
    rule: { 'entity.type': { $in: DEPLOYABLE_TYPES } },
    conditions: all(isIn('type', DEPLOYABLE_TYPES)),
  },
  {
    id: 'golden-path-tag',
    title: 'Tagged golden-path',
    level: 'gold',
    rule: { 'entity.tags': { $contains: 'golden-path' } },
    conditions: all({
      fact: 'tags',
      operator: 'contains',
      value: 'golden-path',
    }),
  },
  {
    id: 'production-with-docs',
    title: 'In production and documented',
    level: 'gold',
    rule: {
      $all: [
        { 'entity.lifecycle': 'production' },
        { 'entity.hasTechDocs': true },
      ],
    },
    conditions: all(is('lifecycle', 'production'), is('hasTechDocs', true)),
  },
  {
    id: 'documented-or-experimental',
    title: 'Documented, or still experimental',
    level: 'silver',
    rule: {
      $any: [
        { 'entity.hasTechDocs': true },
        { 'entity.lifecycle': 'experimental' },
      ],
    },
    conditions: any(is('hasTechDocs', true), is('lifecycle', 'experimental')),
  },
];

export const EQUIVALENT_CHECK_IDS = EQUIVALENT_CHECKS.map(c => c.id);

/** The Paved Road scorecard of the twenty checks, for `pavedRoad.scorecards`. */
export const EQUIVALENT_SCORECARD: JsonObject = {
  id: EQUIVALENT_SCORECARD_ID,
  title: 'Benchmark: checks Tech Insights can express too',
  description:
    'Twenty checks over the catalog entity, each with a semantically identical Tech Insights jsonfc check',
  levels: [
    { id: 'bronze', title: 'Bronze' },
    { id: 'silver', title: 'Silver' },
    { id: 'gold', title: 'Gold' },
  ],
  checks: EQUIVALENT_CHECKS.map(check => ({
    id: check.id,
    title: check.title,
    description: `${check.title} (benchmark check).`,
    level: check.level,
    rule: check.rule,
    remediation: { markdown: 'Benchmark check: nothing to remediate.' },
  })),
};

const str = (value: unknown): string | null =>
  typeof value === 'string' ? value : null;

/**
 * The facts the jsonfc checks read, computed from the entity in one pass: what Paved
 * Road's `entity` fact source reads off the entity, reduced to the values the checks use.
 */
export function entityFacts(entity: Entity) {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const annotations = entity.metadata.annotations ?? {};
  const owner = str(spec.owner);
  const system = str(spec.system);
  const colon = owner?.indexOf(':') ?? -1;
  return {
    kind: entity.kind,
    type: str(spec.type),
    lifecycle: str(spec.lifecycle),
    owner,
    // `entity.owner: { $matches: '.' }`
    hasOwner: owner !== null && /./.test(owner),
    // `entity.owner: { $hasPrefix: 'group:' }`
    ownerRefKind:
      owner !== null && colon >= 0
        ? owner.slice(0, colon).toLocaleLowerCase('en-US')
        : null,
    // `entity.system: { $matches: '.' }`
    hasSystem: system !== null && /./.test(system),
    tags: entity.metadata.tags ?? [],
    // Paved Road's `entity.hasTechDocs`
    hasTechDocs: Boolean(annotations['backstage.io/techdocs-ref']),
    sourceTemplate: annotations['backstage.io/source-template'] ?? null,
    hasSourceTemplate:
      annotations['backstage.io/source-template'] !== undefined,
    templateVersion: annotations['backstage.io/template-version'] ?? null,
    hasTemplateVersion:
      annotations['backstage.io/template-version'] !== undefined,
    hasScaffoldedAt: annotations['paved-road.io/scaffolded-at'] !== undefined,
    hasEscapeHatches: annotations['paved-road.io/escape-hatches'] !== undefined,
    platformTool: annotations['paved-road.io/platform-tool'] ?? null,
  };
}

const FACT_SCHEMA: FactRetriever['schema'] = {
  kind: { type: 'string', description: 'Entity kind' },
  type: { type: 'string', description: 'spec.type, or null' },
  lifecycle: { type: 'string', description: 'spec.lifecycle, or null' },
  owner: { type: 'string', description: 'spec.owner, or null' },
  hasOwner: { type: 'boolean', description: 'spec.owner is not empty' },
  ownerRefKind: {
    type: 'string',
    description: 'The kind part of spec.owner, lower case, or null',
  },
  hasSystem: { type: 'boolean', description: 'spec.system is not empty' },
  tags: { type: 'set', description: 'metadata.tags' },
  hasTechDocs: {
    type: 'boolean',
    description: 'backstage.io/techdocs-ref is set',
  },
  sourceTemplate: {
    type: 'string',
    description: 'backstage.io/source-template, or null',
  },
  hasSourceTemplate: {
    type: 'boolean',
    description: 'backstage.io/source-template is present',
  },
  templateVersion: {
    type: 'string',
    description: 'backstage.io/template-version, or null',
  },
  hasTemplateVersion: {
    type: 'boolean',
    description: 'backstage.io/template-version is present',
  },
  hasScaffoldedAt: {
    type: 'boolean',
    description: 'paved-road.io/scaffolded-at is present',
  },
  hasEscapeHatches: {
    type: 'boolean',
    description: 'paved-road.io/escape-hatches is present',
  },
  platformTool: {
    type: 'string',
    description: 'paved-road.io/platform-tool, or null',
  },
};

/** When the benchmark's retriever ran: it is called by Tech Insights' scheduler. */
export interface RetrieverRun {
  startedAt: number;
  /** When the handler returned its facts (Tech Insights then stores them). */
  finishedAt?: number;
  facts?: number;
  error?: string;
}

/**
 * A Tech Insights backend module registering the benchmark's fact retriever through
 * `techInsightsFactRetrieversExtensionPoint`. The retriever reads every entity through
 * the backend's CatalogService (the same one Paved Road reads) and returns
 * {@link entityFacts} for each. It is scheduled from the config that
 * {@link techInsightsEquivalentConfig} returns (no config, no schedule).
 */
export function techInsightsEquivalentFactsModule(
  options: { onRun?: (run: RetrieverRun) => void } = {},
) {
  return createBackendModule({
    pluginId: 'tech-insights',
    moduleId: 'paved-road-bench-entity-facts',
    register(env) {
      env.registerInit({
        deps: {
          auth: coreServices.auth,
          catalog: catalogServiceRef,
          techInsights: techInsightsFactRetrieversExtensionPoint,
        },
        async init({ auth, catalog, techInsights }) {
          const retriever: FactRetriever = {
            id: FACT_RETRIEVER_ID,
            version: '0.0.1',
            title: 'Paved Road benchmark entity facts',
            description:
              'The catalog-entity facts the benchmark-equivalent checks read',
            schema: FACT_SCHEMA,
            async handler({ entityFilter }) {
              const run: RetrieverRun = { startedAt: performance.now() };
              options.onRun?.(run);
              try {
                const { items } = await catalog.getEntities(
                  entityFilter ? { filter: entityFilter } : {},
                  { credentials: await auth.getOwnServiceCredentials() },
                );
                const facts = items.map(entity => ({
                  entity: {
                    namespace: entity.metadata.namespace ?? 'default',
                    kind: entity.kind,
                    name: entity.metadata.name,
                  },
                  facts: entityFacts(entity),
                }));
                run.facts = facts.length;
                return facts;
              } catch (error) {
                run.error = String(error);
                throw error;
              } finally {
                run.finishedAt = performance.now();
              }
            },
          };
          techInsights.addFactRetrievers({ [FACT_RETRIEVER_ID]: retriever });
        },
      });
    },
  });
}

/**
 * The `techInsights` config: the retriever's schedule (cron `cadence`, run once
 * `initialDelay` after start, `timeToLive` retention) and the twenty jsonfc checks with
 * the Paved Road check ids.
 */
export function techInsightsEquivalentConfig(options: {
  /** Until the first run, after the plugin starts. */
  initialDelay?: JsonObject;
  /** The retriever's time limit. */
  timeout?: JsonObject;
  /** Cron; by default once a year, so only the initial run happens in a benchmark. */
  cadence?: string;
}): JsonObject {
  return {
    factRetrievers: {
      [FACT_RETRIEVER_ID]: {
        cadence: options.cadence ?? '0 0 1 1 *',
        initialDelay: options.initialDelay ?? { seconds: 0 },
        timeout: options.timeout ?? { minutes: 30 },
        lifecycle: { timeToLive: { days: 7 } },
      },
    },
    factChecker: {
      checks: Object.fromEntries(
        EQUIVALENT_CHECKS.map(check => [
          check.id,
          {
            type: 'json-rules-engine',
            name: check.title,
            description: `${check.title} (benchmark check).`,
            factIds: [FACT_RETRIEVER_ID],
            rule: { conditions: check.conditions },
          },
        ]),
      ),
    },
  };
}
