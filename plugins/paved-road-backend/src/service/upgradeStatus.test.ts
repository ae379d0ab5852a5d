import { mayHaveStatus, statusOf, summarise } from './upgradeStatus';

describe('statusOf', () => {
  it.each([
    ['opened', '2.4.0', 'merged'],
    ['opened', '2.10.0', 'merged'],
    ['opened', 'v3.0.0', 'merged'],
    ['conflicted', '2.4.0', 'merged'],
    ['opened', '2.4.0-rc.1', 'open'],
    ['opened', '2.3.9', 'open'],
    ['opened', 'not a version', 'open'],
    ['opened', null, 'open'],
    ['conflicted', '2.3.0', 'conflicted'],
    // No pull request was opened: nothing to merge.
    ['current', '2.4.0', 'current'],
    ['failed', '2.4.0', 'failed'],
    ['failed', null, 'failed'],
  ] as const)('%s with the catalog at %p is %s', (outcome, current, status) => {
    expect(statusOf({ outcome, toVersion: '2.4.0' }, current)).toBe(status);
    expect(mayHaveStatus(outcome, status)).toBe(true);
  });

  it('tells which outcomes a status filter can match', () => {
    expect(mayHaveStatus('failed', 'merged')).toBe(false);
    expect(mayHaveStatus('current', 'open')).toBe(false);
    expect(mayHaveStatus('current', undefined)).toBe(true);
  });
});

describe('summarise', () => {
  it('counts requests per template and status, with the latest run', () => {
    const row = (templateRef: string, status: any, createdAt: string) => ({
      templateRef: `template:default/${templateRef}`,
      status,
      createdAt,
    });
    expect(
      summarise([
        row('worker', 'open', '2026-03-01T00:00:00.000Z'),
        row('api-service', 'merged', '2026-02-01T00:00:00.000Z'),
        row('api-service', 'conflicted', '2026-04-01T00:00:00.000Z'),
        row('api-service', 'merged', '2026-01-01T00:00:00.000Z'),
      ]),
    ).toEqual([
      {
        templateRef: 'template:default/api-service',
        open: 0,
        merged: 2,
        conflicted: 1,
        failed: 0,
        current: 0,
        lastRunAt: '2026-04-01T00:00:00.000Z',
      },
      {
        templateRef: 'template:default/worker',
        open: 1,
        merged: 0,
        conflicted: 0,
        failed: 0,
        current: 0,
        lastRunAt: '2026-03-01T00:00:00.000Z',
      },
    ]);
  });
});
