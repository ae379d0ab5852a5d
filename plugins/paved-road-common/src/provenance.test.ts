import { Entity } from '@backstage/catalog-model';
import { readGoldenPathProvenance } from './provenance';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-api', annotations },
  spec: {
    type: 'service',
    owner: 'group:default/orders',
    lifecycle: 'production',
  },
});

describe('readGoldenPathProvenance', () => {
  it('is undefined for hand-rolled entities', () => {
    expect(readGoldenPathProvenance(entity({}))).toBeUndefined();
  });

  it('reads template ref, version, time and escape hatches', () => {
    expect(
      readGoldenPathProvenance(
        entity({
          'backstage.io/source-template': 'api-service',
          'backstage.io/template-version': 'v2.2.1',
          'paved-road.io/scaffolded-at': '2026-03-14T09:12:00Z',
          'paved-road.io/escape-hatches':
            '[{"guardrail":"network-policy","reason":"partner webhook, PAY-231"}]',
        }),
      ),
    ).toEqual({
      templateRef: 'template:default/api-service',
      templateVersion: '2.2.1',
      scaffoldedAt: '2026-03-14T09:12:00Z',
      escapeHatches: [
        { guardrail: 'network-policy', reason: 'partner webhook, PAY-231' },
      ],
    });
  });

  it('names the entity and annotation when a value is malformed', () => {
    const base = {
      'backstage.io/source-template': 'template:default/api-service',
    };
    expect(() =>
      readGoldenPathProvenance(
        entity({ ...base, 'backstage.io/template-version': 'latest' }),
      ),
    ).toThrow(
      "component:default/orders-api: annotation 'backstage.io/template-version' must be a semantic version",
    );
    expect(() =>
      readGoldenPathProvenance(
        entity({
          ...base,
          'paved-road.io/escape-hatches': '[{"guardrail":"probes"}]',
        }),
      ),
    ).toThrow(
      "component:default/orders-api: annotation 'paved-road.io/escape-hatches'[0] must have a non-empty 'guardrail' and 'reason'",
    );
    expect(() =>
      readGoldenPathProvenance(
        entity({ ...base, 'paved-road.io/scaffolded-at': 'yesterday' }),
      ),
    ).toThrow(/scaffolded-at' must be an ISO 8601 timestamp/);
  });
});
