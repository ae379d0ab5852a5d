import { orderLevels } from './levelOrder';

describe('orderLevels', () => {
  const ladder = {
    levels: [
      { id: 'bronze', title: 'Bronze' },
      { id: 'silver', title: 'Silver' },
      { id: 'gold', title: 'Gold' },
    ],
  };

  it('puts none first, then the ladder lowest first, then unknown ids', () => {
    expect(
      orderLevels(['gold', 'legacy', 'none', 'bronze', 'silver'], ladder),
    ).toEqual(['none', 'bronze', 'silver', 'gold', 'legacy']);
  });

  it('keeps the given order without a definition', () => {
    expect(orderLevels(['gold', 'none'])).toEqual(['gold', 'none']);
  });
});
