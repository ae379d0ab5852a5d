import { durationToHours } from './duration';

describe('durationToHours', () => {
  it.each([
    ['PT40H', 40],
    ['P2D', 48],
    ['P1DT4H30M', 28.5],
    ['P1W', 168],
    ['PT90M', 1.5],
    ['PT0.5H', 0.5],
  ])('%s is %d hours', (value, hours) => {
    expect(durationToHours(value)).toBeCloseTo(hours);
  });

  it.each(['40h', 'P', 'PT', 'P1Y', 'P1M', '', 'PT-3H'])(
    'refuses %p and names the field',
    value => {
      expect(() =>
        durationToHours(value, "annotation 'backstage.io/time-saved'"),
      ).toThrow(
        `annotation 'backstage.io/time-saved' must be an ISO 8601 duration`,
      );
    },
  );
});
