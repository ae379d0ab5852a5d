import { ScorecardDefinition } from '@paved-road/backstage-plugin-common';
import { DatabaseResultsStore } from '../database/DatabaseResultsStore';
import { previewScorecard } from './preview';

const definition: ScorecardDefinition = {
  id: 'probe',
  title: 'Probe',
  description: 'Counts components',
  levels: [{ id: 'bronze', title: 'Bronze' }],
  checks: [
    {
      id: 'kind',
      title: 'Is a component',
      description: 'Kind',
      level: 'bronze',
      rule: { 'entity.kind': 'Component' },
      remediation: { markdown: 'n/a' },
    },
  ],
} as ScorecardDefinition;

/** Stored facts of `count` components, as the results store streams them. */
function storedFacts(count: number) {
  return {
    async *factsWithLevels() {
      for (let i = 0; i < count; i++) {
        yield {
          entityRef: `component:default/c-${i}`,
          facts: { entity: { kind: 'Component' } },
          sourceErrors: {},
          levels: {},
        };
      }
    },
  } as unknown as DatabaseResultsStore;
}

describe('previewScorecard', () => {
  it('evaluates every stored entity within its budget', async () => {
    const preview = await previewScorecard({
      definition,
      results: storedFacts(100),
      budgetMs: 10_000,
    });
    expect(preview).toMatchObject({ entities: 100, levels: { bronze: 100 } });
  });

  it('stops with a 400 naming the budget once it is used up', async () => {
    // A clock that moves 1 ms per entity: the 11th is past a 10 ms budget.
    let clock = 0;
    await expect(
      previewScorecard({
        definition,
        results: storedFacts(100),
        budgetMs: 10,
        now: () => clock++,
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'the preview used its budget of 10 ms (pavedRoad.preview.budget)',
      ),
    });
  });
});
