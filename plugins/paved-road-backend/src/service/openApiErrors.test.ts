import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';

/**
 * Bad requests as the spec's validator refuses them, before any handler runs (the
 * services below are never reached), answered in the plugin's own words.
 */
describe('requests the OpenAPI spec refuses', () => {
  let app: express.Express;

  beforeAll(async () => {
    const router = await createRouter({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      maxPushedFactsBytes: 1024,
    } as any);
    const middleware = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    app = express().use('/api/paved-road', router).use(middleware.error());
  });

  const refused = async (req: request.Test) => {
    const res = await req;
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    return res.body.error.message as string;
  };

  it('names every bad field of a body, in the order of the spec, with refinements', async () => {
    expect(
      await refused(
        request(app).post('/api/paved-road/scaffold-events').send({
          templateRef: 'component:default/x',
          templateVersion: 'latest',
          hoursSaved: '40',
          createdAt: 'yesterday',
          extra: 1,
          other: 2,
        }),
      ),
    ).toBe(
      'Invalid request body: ' +
        'templateRef: must be a template entity ref; ' +
        'templateVersion: must be a semantic version such as 2.3.0; ' +
        'entityRef: is required; ' +
        'hoursSaved: must be number; ' +
        'createdAt: must be a date and time that exists (RFC 3339); ' +
        'extra: is not allowed; other: is not allowed',
    );
  });

  it('prefers a refinement to the bare pattern or format it refines', async () => {
    expect(
      await refused(
        request(app)
          .post('/api/paved-road/facts')
          .send({ entityRef: 'x', source: 'Bad Source', facts: [] }),
      ),
    ).toBe(
      'Invalid request body: ' +
        "entityRef: 'x' is not an entity ref; " +
        'source: must be lower-case letters and digits separated by dashes; ' +
        'facts: must be object',
    );
    expect(
      await refused(
        request(app).get('/api/paved-road/history?ref=org&from=yesterday'),
      ),
    ).toBe('Invalid query parameters: from: must be a date YYYY-MM-DD');
  });

  it('names nested fields with their path', async () => {
    expect(
      await refused(
        request(app)
          .post('/api/paved-road/scorecards/preview')
          .send({
            scorecard: {
              id: 'x',
              title: 'X',
              description: 'An example',
              levels: [{ id: 'ok' }],
              checks: [],
              owner: 'platform',
            },
          }),
      ),
    ).toBe(
      'Invalid request body: scorecard.owner: is not allowed; ' +
        'scorecard.levels[0].title: is required',
    );
  });

  it.each([
    [
      'coerced to their types',
      '/results?limit=abc&sort=name',
      'sort: must be equal to one of the allowed values: entityRef, level, evaluatedAt, owner; ' +
        'limit: must be integer',
    ],
    ['when empty', '/scaffold-events?limit=', 'limit: must not be empty'],
    [
      // The validator checks for unknown parameters first, and stops there.
      'unknown, every one',
      '/results?limit=abc&pageSize=5&q=x',
      'pageSize: is not allowed; q: is not allowed',
    ],
    ['where there are none', '/scorecards?fresh=1', 'fresh: is not allowed'],
  ])('names bad query parameters: %s', async (_, path, message) => {
    expect(await refused(request(app).get(`/api/paved-road${path}`))).toBe(
      `Invalid query parameters: ${message}`,
    );
  });

  it('names an entity ref of the wrong kind once the spec is satisfied', async () => {
    expect(
      await refused(request(app).get('/api/paved-road/results?owner=api:x')),
    ).toBe(
      'Invalid query parameters: owner: must be a group or user entity ref',
    );
  });
});
