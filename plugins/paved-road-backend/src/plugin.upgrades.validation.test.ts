import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { pavedRoadPlugin } from './plugin';

// Backends start in-process; give them room on a loaded 2-core machine.
jest.setTimeout(60_000);

const API = '/api/paved-road';

const result = (name: string, outcome: string, extra: object = {}) => ({
  entityRef: `component:default/${name}`,
  fromVersion: '2.3.0',
  outcome,
  ...extra,
});

describe('checking upgrade runs and the parameters of their reads', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [pavedRoadPlugin, catalogServiceMock.factory({ entities: [] })],
    }));
  });

  const record = (body: object) =>
    request(server)
      .post(`${API}/upgrade-runs`)
      .set('Authorization', mockCredentials.service.header())
      .send(body);

  const get = (path: string) =>
    request(server)
      .get(`${API}${path}`)
      .set('Authorization', mockCredentials.user.header());

  it('takes 5000 results in one body, and no more', async () => {
    const results = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        result(`service-${i}`, 'opened', {
          url: `https://github.com/acme/service-${i}/pull/1`,
          branch: 'paved-road/upgrade-api-service-2.4.0',
        }),
      );
    const body = (n: number) => ({
      templateRef: 'api-service',
      toVersion: '2.4.0',
      results: results(n),
    });
    const full = await record(body(5000));
    expect([full.status, full.body.counts?.opened]).toEqual([201, 5000]);

    // Past the body parser's bound (8 MiB): answered 413, naming the bound.
    const huge = await record({
      ...body(5000),
      results: results(5000).map(r => ({
        ...r,
        outcome: 'failed',
        reason: 'x'.repeat(2000),
      })),
    });
    expect([huge.status, huge.body.error?.message]).toEqual([
      413,
      'Request body too large: at most 8388608 bytes',
    ]);

    const over = await record(body(5001));
    expect([over.status, over.body.error.message]).toEqual([
      400,
      'Invalid request body: results: must NOT have more than 5000 items',
    ]);
  });

  it('names each bad field of a run', async () => {
    const refused = async (body: object) => {
      const res = await record(body);
      expect(res.status).toBe(400);
      return res.body.error.message as string;
    };
    const base = {
      templateRef: 'api-service',
      toVersion: '2.4.0',
      results: [result('orders-api', 'opened')],
    };
    const message = await refused({
      templateRef: 'component:default/orders-api',
      toVersion: 'latest',
      scope: { owner: 'system:default/x', team: 'orders' },
      results: [
        result('a', 'opened'),
        result('b', 'opened', { fromVersion: '2.x' }),
        result('c', 'opened', { conflicts: -1 }),
        result('d', 'merged'),
        result('e', 'failed', { reason: 'r'.repeat(2001) }),
        result('f', 'opened', { taskId: '../../settings' }),
        result('g', 'opened', { taskId: 'a'.repeat(65) }),
      ],
      extra: true,
    });
    expect(message).toMatch(/^Invalid request body: /);
    for (const expected of [
      'templateRef: must be a template entity ref',
      'toVersion: must be a semantic version such as 2.3.0',
      'scope.team: is not allowed',
      'scope.owner: must be a group or user entity ref',
      'results[2].conflicts: must be >= 0',
      'results[3].outcome: must be equal to one of the allowed values: opened, current, conflicted, failed',
      'results[4].reason: must NOT have more than 2000 characters',
      'results[5].taskId: must match pattern "^[0-9A-Za-z][0-9A-Za-z_-]*$"',
      'results[6].taskId: must NOT have more than 64 characters',
      'extra: is not allowed',
    ]) {
      expect(message).toContain(expected);
    }

    expect(
      await refused({
        ...base,
        results: [
          result('orders-api', 'opened', {
            url: ['javascript', 'alert(1)'].join(':'),
          }),
          result('b', 'opened', { branch: 'feature..x' }),
          result('c', 'opened', { conflicts: 2 }),
          result('d', 'current', { reason: 'Nothing to do' }),
          result('e', 'failed', { fromVersion: '2.x' }),
        ],
      }),
    ).toBe(
      'Invalid request body: ' +
        'results[0].url: must be an http(s) URL (the pull request) or a file: URL (a local repository); ' +
        'results[1].branch: must be a git branch name (git check-ref-format); ' +
        'results[2].conflicts: must be 0 unless outcome is conflicted, got 2 for outcome opened; ' +
        'results[3].reason: is only for outcome failed, not current; ' +
        'results[4].fromVersion: must be a semantic version such as 2.3.0',
    );
    expect(
      await refused({
        ...base,
        results: [
          result('orders-api', 'opened'),
          {
            ...result('orders-api', 'current'),
            entityRef: 'Component:orders-api',
          },
        ],
      }),
    ).toBe(
      "Invalid request body: results[1].entityRef: must name each entity once: 'component:default/orders-api' is also results[0]",
    );
    expect(await refused({ ...base, results: [] })).toBe(
      'Invalid request body: results: must NOT have fewer than 1 items',
    );
    expect(
      await refused({ ...base, results: [{ entityRef: 'orders-api' }] }),
    ).toContain('results[0].fromVersion: is required');
  });

  it('names bad parameters of the reads', async () => {
    for (const [path, expected] of [
      [
        '/upgrade-runs/not-a-run',
        'Invalid path parameters: id: must match format "uuid"',
      ],
      [
        '/upgrade-runs?limit=0&templateRef=component:x',
        'Invalid query parameters: templateRef: must be a template entity ref; limit: must be >= 1',
      ],
      [
        '/upgrades?status=closed&entityRef=orders-api',
        "Invalid query parameters: entityRef: 'orders-api' is not an entity ref; status: must be equal to one of the allowed values: open, merged, conflicted, failed, current",
      ],
      [
        '/upgrades/summary?templateRef=x',
        'Invalid query parameters: templateRef: is not allowed',
      ],
    ]) {
      const res = await get(path);
      expect([res.status, res.body.error?.message]).toEqual([400, expected]);
    }
    const missing = await get(
      '/upgrade-runs/0B5E6C1E-2A4F-4B8E-9A43-6F1E0C6F2D11',
    );
    expect([missing.status, missing.body.error?.message]).toEqual([
      404,
      'No upgrade run 0b5e6c1e-2a4f-4b8e-9a43-6f1e0c6f2d11',
    ]);
  });
});
