import { Entity } from '@backstage/catalog-model';
import { isPavedRoadScorecardAvailable } from './isPavedRoadScorecardAvailable';

const entity = (
  kind: string,
  spec: object,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
  spec,
});

describe('isPavedRoadScorecardAvailable', () => {
  it.each(['service', 'worker', 'cron-job', 'website', 'Service'])(
    'is true for a Component of type %s',
    type => {
      expect(isPavedRoadScorecardAvailable(entity('Component', { type }))).toBe(
        true,
      );
    },
  );

  it('is true for a platform tool of any kind', () => {
    expect(
      isPavedRoadScorecardAvailable(
        entity(
          'Component',
          { type: 'library' },
          { 'paved-road.io/platform-tool': 'true' },
        ),
      ),
    ).toBe(true);
  });

  it('is false for libraries, groups and entities without a type', () => {
    expect(
      isPavedRoadScorecardAvailable(entity('Component', { type: 'library' })),
    ).toBe(false);
    expect(
      isPavedRoadScorecardAvailable(entity('Group', { type: 'team' })),
    ).toBe(false);
    expect(isPavedRoadScorecardAvailable(entity('Component', {}))).toBe(false);
  });
});
