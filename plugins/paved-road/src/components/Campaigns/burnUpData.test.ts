import { burnUpData } from './burnUpData';

const day = (d: string, entities: number, done: number, exempt = 0) => ({
  day: d,
  entities,
  done,
  exempt,
  todo: entities - done - exempt,
});

describe('burnUpData', () => {
  it('spans start to deadline, carrying figures over gaps, empty outside snapshots', () => {
    const points = burnUpData(
      [day('2026-12-02', 10, 1), day('2026-12-04', 11, 2, 1)],
      '2026-12-01',
      '2026-12-06',
    );
    expect(points.map(p => p.day)).toEqual([
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
    ]);
    expect(points.map(p => p.finished)).toEqual([null, 1, 1, 3, null, null]);
    expect(points.map(p => p.entities)).toEqual([null, 10, 10, 11, null, null]);
  });

  it('runs on past the deadline to the last snapshot', () => {
    const points = burnUpData(
      [day('2026-12-01', 4, 1), day('2026-12-03', 4, 2)],
      '2026-11-30',
      '2026-12-01',
    );
    expect(points[0].day).toBe('2026-11-30');
    expect(points[points.length - 1]).toEqual({
      day: '2026-12-03',
      finished: 2,
      entities: 4,
    });
  });

  it('shows the axis alone before any snapshot', () => {
    const points = burnUpData([], '2026-12-01', '2026-12-03');
    expect(points).toHaveLength(3);
    expect(points.every(p => p.finished === null)).toBe(true);
  });
});
