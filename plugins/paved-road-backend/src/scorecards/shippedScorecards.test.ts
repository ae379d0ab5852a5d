import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ScorecardResult } from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';
import {
  collectFacts,
  createProvenanceFactSource,
  entityFactSource,
} from '../service/factSources';
import {
  exampleRepositoryFacts,
  exampleTemplates,
  loadExampleOrganisation,
} from './__testUtils__/exampleOrganisation';
import { readScorecardDefinitions } from './definitions';
import { compileScorecards, evaluateScorecards } from './evaluator';
import { createOwnerFactSource } from './ownerFactSource';
import { platformToolFactSource } from './platformToolFactSource';

/** Stands in for the repository fact source, which reads these from the repos. */
const repositorySource: PavedRoadFactSource = {
  id: 'repository',
  description: 'Example repositories (fixture)',
  appliesTo: e => e.metadata.name in exampleRepositoryFacts,
  collect: async ({ entity }) => ({
    ...exampleRepositoryFacts[entity.metadata.name],
  }),
};

type Results = Record<string, Record<string, ScorecardResult>>;
let results: Results;
let facts: Record<string, Record<string, any>>;
let sourceErrors: Record<string, Record<string, string>>;

beforeAll(async () => {
  const entities = loadExampleOrganisation();
  const catalog = catalogServiceMock({
    entities: [...entities, ...exampleTemplates],
  });
  const auth = mockServices.auth();
  const sources = [
    entityFactSource,
    createProvenanceFactSource({ catalog, auth }),
    createOwnerFactSource({ catalog, auth }),
    platformToolFactSource,
    repositorySource,
  ];
  const definitions = await readScorecardDefinitions(new ConfigReader({}));
  const scorecards = compileScorecards(definitions);
  results = {};
  facts = {};
  sourceErrors = {};
  for (const entity of entities.filter(e => e.kind === 'Component')) {
    const collected = await collectFacts(sources, entity);
    facts[entity.metadata.name] = collected.facts;
    if (Object.keys(collected.errors).length) {
      sourceErrors[entity.metadata.name] = collected.errors;
    }
    results[entity.metadata.name] = Object.fromEntries(
      evaluateScorecards(scorecards, collected.facts, {
        entityRef: collected.entityRef,
        sourceErrors: collected.errors,
      }).map(r => [r.scorecardId, r]),
    );
  }
});

it('collects the facts of all 40 example components without errors', () => {
  expect(Object.keys(facts)).toHaveLength(40);
  expect(sourceErrors).toEqual({});
});

const level = (name: string, scorecard: string) =>
  results[name][scorecard]?.level;
const status = (name: string, scorecard: string, check: string) =>
  results[name][scorecard]?.checks.find(c => c.checkId === check)?.status;

describe('golden-path-adoption on the example organisation', () => {
  // Latest: api-service 2.5.0, worker 1.6.0, cron-job 1.4.0, platform-tool 1.3.0.
  const onPath = [
    ...['notification-preferences-api', 'catalog-image-resizer'],
    'session-cleanup',
  ];
  const withinOneMinor = [
    ...['orders-api', 'search-api', 'experiments-api'],
    ...['order-events-worker', 'abandoned-cart-reminder'],
    'search-ranking-trainer',
  ];
  const drifted = [
    ...['payments-api', 'loyalty-api', 'pricing-service', 'catalog-api'],
    ...['push-notification-worker', 'payment-reconciliation'],
    ...['checkout-api', 'recommendations-api', 'accounts-api'],
    ...['search-indexer', 'fraud-scoring-worker', 'order-archiver'],
    'digest-email-cron',
  ];
  const handRolled = [
    ...['legacy-checkout', 'cart-service', 'returns-service'],
    ...['fulfillment-sync', 'payments-ledger', 'catalog-importer'],
    ...['search-suggest', 'campaign-mailer', 'auth-gateway', 'profile-service'],
    ...['notification-dispatcher', 'sms-gateway-adapter'],
  ];

  it('gives gold to current and one-minor-behind golden-path components', () => {
    for (const name of [...onPath, ...withinOneMinor]) {
      expect([name, level(name, 'golden-path-adoption')]).toEqual([
        name,
        'gold',
      ]);
    }
    expect(results['orders-api']['golden-path-adoption']).toMatchObject({
      level: 'gold',
      nextLevel: null,
      missingForNext: [],
    });
  });

  it('fails the version check for drifted components, comparing as semver', () => {
    for (const name of drifted) {
      expect([name, level(name, 'golden-path-adoption')]).toEqual([
        name,
        'silver',
      ]);
      expect(
        status(name, 'golden-path-adoption', 'template-version-current'),
      ).toBe('fail');
    }
    expect(results['payments-api']['golden-path-adoption']).toMatchObject({
      nextLevel: 'gold',
      missingForNext: ['template-version-current'],
    });
    expect(facts['pricing-service'].provenance.drift).toMatchObject({
      inUse: '2.3.0',
      majorsBehind: 0,
      minorsBehind: 2,
    });
  });

  it('accepts escape hatches whose reasons cite a ticket', () => {
    for (const name of [
      'payments-api',
      'catalog-image-resizer',
      'experiments-api',
    ]) {
      expect(facts[name].provenance.escapeHatches.length).toBeGreaterThan(0);
      expect(
        status(name, 'golden-path-adoption', 'escape-hatches-recorded'),
      ).toBe('pass');
    }
  });

  it('reaches no level for hand-rolled workloads', () => {
    for (const name of handRolled) {
      expect(results[name]['golden-path-adoption']).toMatchObject({
        level: null,
        nextLevel: 'bronze',
        missingForNext: ['scaffolded'],
      });
    }
  });

  it('applies to services, workers and cron jobs only', () => {
    for (const name of ['otel-starter', 'developer-portal']) {
      expect(results[name]['golden-path-adoption']).toBeUndefined();
    }
  });
});

describe('production-readiness on the example organisation', () => {
  it('fails orphaned owners and missing systems', () => {
    for (const name of ['profile-service', 'campaign-mailer']) {
      expect(status(name, 'production-readiness', 'owner')).toBe('fail');
      expect(level(name, 'production-readiness')).toBeNull();
    }
    expect(facts['profile-service'].owner).toEqual({
      ref: 'group:default/legacy-team',
      kind: 'group',
      exists: false,
    });
    for (const name of ['returns-service', 'search-suggest']) {
      expect(status(name, 'production-readiness', 'system')).toBe('fail');
    }
    expect(status('orders-api', 'production-readiness', 'owner')).toBe('pass');
  });

  it('grades the example repositories', () => {
    // orders-api is exactly what api-service 2.4.0 generates: alerts and on-call included.
    expect(results['orders-api']['production-readiness']).toMatchObject({
      level: 'gold',
      missingForNext: [],
    });
    // payments-api is api-service 2.3.0's output too (its team deleted only a docs page).
    expect(level('payments-api', 'production-readiness')).toBe('gold');
    expect(results['legacy-checkout']['production-readiness']).toMatchObject({
      level: 'bronze',
      missingForNext: [
        'ci',
        'probes',
        'startup-probe',
        'resource-limits',
        'non-root',
        'pinned-images',
      ],
    });
    expect(
      results['notification-dispatcher']['production-readiness'],
    ).toMatchObject({
      level: 'bronze',
      missingForNext: ['startup-probe', 'resource-limits'],
    });
  });

  it('catches the Payments outage pattern: no startup probe, no limits', () => {
    const ledger = results['payments-ledger']['production-readiness'];
    expect(ledger.level).toBeNull();
    for (const check of [
      'techdocs',
      'ci',
      'startup-probe',
      'resource-limits',
    ]) {
      expect(status('payments-ledger', 'production-readiness', check)).toBe(
        'fail',
      );
    }
  });

  it('is unknown without repository facts, and exempts recorded escape hatches', () => {
    expect(
      results['order-events-worker']['production-readiness'].checks.find(
        c => c.checkId === 'startup-probe',
      ),
    ).toEqual({
      checkId: 'startup-probe',
      status: 'unknown',
      reason: "fact source 'repository' has no data for this entity",
    });
    expect(status('order-archiver', 'production-readiness', 'probes')).toBe(
      'pass',
    );
    expect(
      results['catalog-image-resizer']['production-readiness'].checks.find(
        c => c.checkId === 'resource-limits',
      ),
    ).toMatchObject({
      status: 'exempt',
      reason: expect.stringMatching(/PLAT-88/),
    });
    expect(
      status('experiments-api', 'production-readiness', 'image-scan'),
    ).toBe('exempt');
  });
});

describe('documentation-first on the example organisation', () => {
  it('follows the docs in the example repositories', () => {
    expect(level('orders-api', 'documentation-first')).toBe('gold');
    expect(results['payments-api']['documentation-first']).toMatchObject({
      level: 'silver',
      missingForNext: ['failure-modes'],
    });
    expect(level('legacy-checkout', 'documentation-first')).toBe('bronze');
    expect(level('payments-ledger', 'documentation-first')).toBeNull();
    for (const name of ['auth-gateway', 'k8s-yaml-helpers', 'search-suggest']) {
      expect(status(name, 'documentation-first', 'techdocs')).toBe('fail');
    }
  });
});

describe('platform-asset on the example organisation', () => {
  it('measures consumers from the catalog', () => {
    expect(
      Object.fromEntries(
        Object.entries(facts)
          .filter(([, f]) => f.platformTool)
          .map(([name, f]) => [name, f.platformTool.consumers]),
      ),
    ).toEqual({
      'otel-starter': 22,
      'kafka-client-starter': 7,
      'ci-pipeline-lib': 23,
      'service-config-lib': 17,
      'k8s-yaml-helpers': 0,
    });
  });

  it('grades the platform tools', () => {
    for (const name of ['otel-starter', 'kafka-client-starter']) {
      expect(level(name, 'platform-asset')).toBe('gold');
    }
    expect(level('ci-pipeline-lib', 'platform-asset')).toBe('gold');
    expect(results['service-config-lib']['platform-asset']).toMatchObject({
      level: 'silver',
      missingForNext: ['versioning'],
    });
  });

  it('fails k8s-yaml-helpers on the wrapper test', () => {
    expect(results['k8s-yaml-helpers']['platform-asset']).toMatchObject({
      level: null,
      missingForNext: [
        'implementation-time',
        'developer-experience',
        'operational-benefit',
      ],
    });
  });

  it('applies to platform tools only', () => {
    expect(results['developer-portal']['platform-asset']).toBeUndefined();
    expect(results['orders-api']['platform-asset']).toBeUndefined();
  });
});
