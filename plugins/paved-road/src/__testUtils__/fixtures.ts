import { Entity } from '@backstage/catalog-model';
import {
  AggregatesResponse,
  EntityResultsResponse,
  EntityScorecardsResponse,
  ScorecardsResponse,
  HistoryResponse,
  ResultsPage,
  ScopeAggregate,
  ScorecardDefinition,
} from '@paved-road/backstage-plugin-common';

/** The dev backend's base URL in tests. */
export const baseUrl = 'http://localhost:7007/api/paved-road';

/** A golden-path service, as the catalog returns it. */
export const ordersApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-api',
    namespace: 'default',
    annotations: {
      'backstage.io/source-template': 'template:default/api-service',
      'backstage.io/template-version': '2.1.0',
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/orders',
  },
};

/** The golden-path template orders-api came from. */
export const apiServiceTemplate: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'api-service',
    namespace: 'default',
    title: 'API service',
    tags: ['golden-path'],
    annotations: {
      'backstage.io/template-version': '2.3.0',
      'backstage.io/time-saved': 'PT40H',
    },
  },
  spec: { type: 'service', owner: 'group:default/platform' },
};

/** The production-readiness scorecard, cut down to four checks. */
export const productionReadiness: ScorecardDefinition = {
  id: 'production-readiness',
  title: 'Production readiness',
  description: 'Owned, catalogued, safe to deploy and ready for incidents.',
  appliesTo: {
    'entity.kind': 'Component',
    'entity.type': { $in: ['service', 'worker', 'cron-job', 'website'] },
  },
  levels: [
    { id: 'bronze', title: 'Owned and catalogued' },
    { id: 'silver', title: 'Safe to deploy' },
    { id: 'gold', title: 'Ready for incidents' },
  ],
  checks: [
    {
      id: 'owner',
      title: 'Has an owner that exists',
      description: '`spec.owner` names a group in the catalog.',
      level: 'bronze',
      rule: { 'owner.exists': true },
      remediation: { markdown: 'Set `spec.owner` to an existing group.' },
    },
    {
      id: 'probes',
      title: 'Liveness, readiness and startup probes',
      description: 'Every container declares the three probes.',
      level: 'silver',
      rule: { 'repository.kubernetes.probes.startup': true },
      remediation: {
        markdown: 'Add a `startupProbe` to **every** container.',
        link: 'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
      },
    },
    {
      id: 'network-policy',
      title: 'Network policy',
      description: 'A NetworkPolicy selects the pods.',
      level: 'gold',
      rule: { 'repository.kubernetes.networkPolicy': true },
      remediation: { markdown: 'Add a NetworkPolicy.' },
      exemptionGuardrail: 'network-policy',
    },
    {
      id: 'alerts',
      title: 'Alert rules',
      description: 'Alert rules are defined.',
      level: 'gold',
      rule: { 'repository.alerts.present': true },
      remediation: { markdown: 'Define alert rules.' },
    },
  ],
};

/** What the client's getEntityScorecards returns for orders-api. */
export const ordersScorecards: EntityScorecardsResponse = {
  entity: {
    entityRef: 'component:default/orders-api',
    kind: 'component',
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/orders',
    system: 'system:default/commerce',
    domain: 'domain:default/shop',
    goldenPath: true,
    templateRef: 'template:default/api-service',
    drift: 'minor',
    evaluatedAt: '2026-11-23T09:00:00.000Z',
    stale: true,
    staleReason: 'repository: GitHub answered 502',
  },
  results: [
    {
      scorecardId: 'production-readiness',
      level: 'bronze',
      nextLevel: 'silver',
      missingForNext: ['probes'],
      checks: [
        { checkId: 'owner', status: 'pass' },
        { checkId: 'probes', status: 'fail' },
        {
          checkId: 'network-policy',
          status: 'exempt',
          reason: 'escape hatch: PLAT-42',
        },
        {
          checkId: 'alerts',
          status: 'unknown',
          reason: 'repository source failed',
        },
      ],
    },
  ],
  scorecards: [productionReadiness],
};

/** `GET /history?ref=component:default/orders-api`. */
export const ordersHistory: HistoryResponse = {
  ref: 'component:default/orders-api',
  scope: 'entity',
  items: [
    { day: '2026-11-20', scorecardId: 'production-readiness', level: null },
    { day: '2026-11-21', scorecardId: 'production-readiness', level: 'bronze' },
    { day: '2026-11-22', scorecardId: 'production-readiness', level: 'bronze' },
  ],
};

const scope = (
  kind: ScopeAggregate['scope'],
  ref: string,
  n: number,
): ScopeAggregate => ({
  scope: kind,
  ref,
  entities: n,
  scorecards: {
    'production-readiness': {
      entities: n,
      // Not in ladder order, as JSON from the database may be: the UI orders them.
      levels: { gold: 0, silver: 1, none: 1, bronze: n - 2 },
      checks: {
        owner: { pass: n, fail: 0, unknown: 0, exempt: 0, passRate: 1 },
        probes: {
          pass: 1,
          fail: n - 1,
          unknown: 0,
          exempt: 0,
          passRate: 1 / n,
        },
        alerts: {
          pass: 0,
          fail: 1,
          unknown: n - 1,
          exempt: 0,
          passRate: 0,
        },
      },
    },
    'golden-path-adoption': {
      entities: n,
      levels: { none: 1, bronze: n - 1, silver: 0, gold: 0 },
      checks: {
        scaffolded: {
          pass: n - 1,
          fail: 1,
          unknown: 0,
          exempt: 0,
          passRate: (n - 1) / n,
        },
      },
    },
  },
  goldenPath: { eligible: n, adopted: n - 1, rate: (n - 1) / n },
  drift: { current: n - 2, minor: 1 },
  hoursSaved: 40 * (n - 1),
  templates: {
    'template:default/api-service': {
      entities: n - 1,
      drift: { current: n - 2, minor: 1 },
      hoursSaved: 40 * (n - 1),
    },
  },
});

/** `GET /aggregates`: an org, an engineering group with two teams, one system. */
export const aggregates: AggregatesResponse = {
  org: scope('org', 'org', 10),
  groups: [
    scope('group', 'group:default/engineering', 8),
    scope('group', 'group:default/orders', 5),
    scope('group', 'group:default/payments', 3),
  ],
  systems: [scope('system', 'system:default/commerce', 6)],
  domains: [],
  evaluatedAt: '2026-11-23T09:00:00.000Z',
};

/** `GET /history?ref=org` (aggregate scope). */
export const orgHistory: HistoryResponse = {
  ref: 'org',
  scope: 'org',
  items: [
    {
      day: '2026-11-21',
      scorecardId: 'golden-path-adoption',
      levels: { none: 4, bronze: 6 },
    },
    {
      day: '2026-11-22',
      scorecardId: 'golden-path-adoption',
      levels: { none: 1, bronze: 9 },
    },
    {
      day: '2026-11-22',
      scorecardId: 'production-readiness',
      levels: { none: 1, bronze: 8, silver: 1, gold: 0 },
    },
  ],
  totals: [
    {
      day: '2026-11-21',
      entities: 10,
      goldenPath: { eligible: 10, adopted: 6, rate: 0.6 },
      drift: { current: 3, minor: 3 },
      hoursSaved: 240,
    },
    {
      day: '2026-11-22',
      entities: 10,
      goldenPath: { eligible: 10, adopted: 9, rate: 0.9 },
      drift: { current: 8, minor: 1 },
      hoursSaved: 360,
    },
  ],
};

/** `GET /results`: one page. */
export const resultsPage: ResultsPage = {
  items: [
    {
      ...ordersScorecards.entity!,
      scorecardId: 'production-readiness',
      level: 'bronze',
      nextLevel: 'silver',
      missingForNext: ['probes'],
      checks: ordersScorecards.results[0].checks,
    },
  ],
  totalItems: 1,
  limit: 20,
  offset: 0,
};

/** Groups as the catalog returns them. */
export const groups: Entity[] = [
  ['engineering', undefined],
  ['orders', 'engineering'],
  ['payments', 'engineering'],
].map(([name, parent]) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: name!, namespace: 'default' },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
}));

/** `GET /results?scorecard=platform-asset`: one platform tool. */
export const platformToolsPage: ResultsPage = {
  items: [
    {
      ...ordersScorecards.entity!,
      entityRef: 'component:default/go-kit',
      type: 'library',
      goldenPath: false,
      templateRef: null,
      drift: null,
      stale: false,
      staleReason: null,
      scorecardId: 'platform-asset',
      level: 'bronze',
      nextLevel: 'silver',
      missingForNext: ['consumers'],
      checks: [
        { checkId: 'implementation-time', status: 'pass' },
        { checkId: 'developer-experience', status: 'pass' },
        { checkId: 'operational-benefit', status: 'fail' },
      ],
    },
  ],
  totalItems: 1,
  limit: 10,
  offset: 0,
};

/** `GET /entities/component/default/orders-api/scorecards`: the results only. */
export const ordersResults: EntityResultsResponse = {
  entity: ordersScorecards.entity,
  results: ordersScorecards.results,
};

/** `GET /scorecards`: the definitions. */
export const scorecardDefinitions: ScorecardsResponse = {
  scorecards: ordersScorecards.scorecards,
};
