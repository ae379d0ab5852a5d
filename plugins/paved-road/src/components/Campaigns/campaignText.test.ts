import { productionReadiness } from '../../__testUtils__/fixtures';
import {
  daysLeftText,
  daysUntil,
  formatDay,
  goalText,
  scopeText,
} from './campaignText';

describe('campaignText', () => {
  it('says each kind of goal in words, naming known scorecards by title', () => {
    expect(
      goalText(
        {
          type: 'checks',
          scorecard: 'production-readiness',
          checks: ['startup-probe'],
        },
        [productionReadiness],
      ),
    ).toBe('Pass startup-probe of Production readiness');
    expect(
      goalText(
        { type: 'level', scorecard: 'production-readiness', level: 'silver' },
        [productionReadiness],
      ),
    ).toBe('Reach Silver of Production readiness');
    expect(
      goalText({ type: 'level', scorecard: 'unknown', level: 'gold' }),
    ).toBe('Reach Gold of unknown');
    expect(
      goalText({
        type: 'template-version',
        template: 'template:default/api-service',
        range: '>=2.5.0',
      }),
    ).toBe('api-service >=2.5.0');
  });

  it('says the scope in words', () => {
    expect(scopeText({})).toBe('Every entity');
    expect(
      scopeText(
        {},
        {
          type: 'template-version',
          template: 'template:default/api-service',
          range: '>=2.5.0',
        },
      ),
    ).toBe('Every entity scaffolded from api-service');
    expect(
      scopeText({
        owner: 'group:default/payments',
        kind: 'Component',
        lifecycle: 'production',
      }),
    ).toBe(
      'Entities owned by payments, of kind Component, in lifecycle production',
    );
  });

  it('says the time to the deadline, overdue only while entities are to do', () => {
    expect(daysLeftText(12, 3)).toEqual({
      text: '12 days left',
      overdue: false,
    });
    expect(daysLeftText(1, 3)).toEqual({ text: '1 day left', overdue: false });
    expect(daysLeftText(0, 3)).toEqual({ text: 'due today', overdue: false });
    expect(daysLeftText(-3, 2)).toEqual({
      text: '3 days overdue',
      overdue: true,
    });
    expect(daysLeftText(-1, 0)).toEqual({
      text: 'ended 1 day ago',
      overdue: false,
    });
  });

  it('counts whole UTC days to a deadline and formats days without shifting them', () => {
    const now = new Date('2026-12-05T23:30:00Z');
    expect(daysUntil('2026-12-05', now)).toBe(0);
    expect(daysUntil('2027-01-31', now)).toBe(57);
    expect(daysUntil('2026-11-30', now)).toBe(-5);
    expect(formatDay('2027-01-31')).toBe('31 Jan 2027');
  });
});
