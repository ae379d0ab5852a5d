import { PermissionsService } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  mockCredentials,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// The action is tested against the real Paved Road backend plugin, not a stand-in.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pavedRoadBackend from '@paved-road/backstage-plugin-backend';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { invalidInput, useActionTasks } from '../__testUtils__/actionTask';
import { createAdoptionRecordAction } from './adoptionRecord';

// Backends start in-process; give them room on a loaded 2-core machine.
jest.setTimeout(60_000);

describe('paved-road:adoption:record', () => {
  let server: Server;
  let baseUrl: string;

  beforeEach(async () => {
    // The real Paved Road backend plugin, so the action is tested against its real API.
    ({ server } = await startTestBackend({
      features: [
        pavedRoadBackend,
        catalogServiceMock.factory({ entities: [] }),
      ],
    }));
    baseUrl = `http://localhost:${
      (server.address() as AddressInfo).port
    }/api/paved-road`;
  });

  const action = () =>
    createAdoptionRecordAction({
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => baseUrl,
        getExternalBaseUrl: async () => baseUrl,
      },
    });

  const templateInfo = {
    entityRef: 'template:default/api-service',
    entity: {
      metadata: {
        name: 'api-service',
        annotations: {
          'backstage.io/template-version': '2.3.0',
          'backstage.io/time-saved': 'P1DT16H',
        },
      },
    },
  };

  it('records the event with values taken from the running template', async () => {
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/cart-api' },
      templateInfo,
      user: { ref: 'user:default/jane.doe' },
    });
    await action().handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('hoursSaved', 40);
    expect(ctx.output).toHaveBeenCalledWith('eventId', expect.any(String));

    const listed = await request(server)
      .get('/api/paved-road/scaffold-events')
      .set('Authorization', mockCredentials.user.header());
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        templateRef: 'template:default/api-service',
        templateVersion: '2.3.0',
        entityRef: 'component:default/cart-api',
        hoursSaved: 40,
        initiatedBy: 'user:default/jane.doe',
      }),
    ]);
  });

  /** A run of a template whose only annotation is `backstage.io/time-saved`. */
  const withTimeSaved = (timeSaved: string) =>
    createMockActionContext({
      input: { entityRef: 'component:default/cart-api' },
      templateInfo: {
        ...templateInfo,
        entity: {
          metadata: {
            name: 'api-service',
            annotations: { 'backstage.io/time-saved': timeSaved },
          },
        },
      },
    });

  it('names the bad annotation when time saved is not a duration', async () => {
    const ctx = withTimeSaved('40 hours');
    await expect(action().handler(ctx)).rejects.toThrow(
      "template annotation 'backstage.io/time-saved' must be an ISO 8601 duration",
    );
  });

  it('names a bad entity ref, template ref or version before calling the backend', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { entityRef: 'not a ref:::' },
        "input.entityRef: 'not a ref:::' is not an entity ref",
      ],
      [{ entityRef: 'cart-api' }, "input.entityRef: 'cart-api' is not"],
      [
        { templateRef: 'component:default/x' },
        "input.templateRef: 'component:default/x' must be a template entity ref",
      ],
      [
        { templateVersion: 'latest' },
        "input.templateVersion must be a semantic version such as 2.3.0, got 'latest'",
      ],
    ];
    for (const [input, message] of cases) {
      const ctx = createMockActionContext({
        input: { entityRef: 'component:default/cart-api', ...input },
        templateInfo,
      });
      await expect(action().handler(ctx)).rejects.toThrow(message);
    }
    const listed = await request(server)
      .get('/api/paved-road/scaffold-events')
      .set('Authorization', mockCredentials.user.header());
    expect(listed.body.items).toEqual([]);
  });

  it('passes on the backend’s verdict, naming the field, as an input error', async () => {
    // 1000 days are 24,000 hours; the backend takes at most 10,000.
    const ctx = withTimeSaved('P1000D');
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^The Paved Road backend refused the scaffold event: template annotation 'backstage.io\/time-saved' \('P1000D', 24000 hours saved\): must be /,
      ),
    });
  });

  it('requires a template ref outside a template run', async () => {
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/cart-api' },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      'input.templateRef is required',
    );
  });
});

describe('paved-road:adoption:record input, as the scaffolder validates it', () => {
  const action = 'paved-road:adoption:record';
  const tasks = useActionTasks(action, { features: [pavedRoadBackend] });

  it('records an event with the running template’s values', async () => {
    expect(
      await tasks.run({ entityRef: 'component:default/cart-api' }),
    ).toEqual({
      status: 'completed',
      output: { eventId: expect.any(String), hoursSaved: 40 },
    });
  });

  it('names a missing entityRef, fields of the wrong type, out of range or unknown', async () => {
    const result = await tasks.run({
      templateRef: 7,
      templateVersion: 2.3,
      hoursSaved: '40',
      hours: 40,
    });
    expect(result).toEqual(
      invalidInput(action, [
        'instance requires property "entityRef"',
        'instance.templateRef is not of a type(s) string',
        'instance.templateVersion is not of a type(s) string',
        'instance.hoursSaved is not of a type(s) number',
        'instance is not allowed to have the additional property "hours"',
      ]),
    );
    for (const [hoursSaved, problem] of [
      [-1, 'instance.hoursSaved must be greater than or equal to 0'],
      [20_000, 'instance.hoursSaved must be less than or equal to 10000'],
    ] as const) {
      expect(
        await tasks.run({
          entityRef: 'component:default/cart-api',
          hoursSaved,
        }),
      ).toEqual(invalidInput(action, [problem]));
    }
  });

  it('names a bad entity ref as the input it came from', async () => {
    expect(await tasks.run({ entityRef: 'not a ref:::' })).toEqual({
      status: 'failed',
      error: "input.entityRef: 'not a ref:::' is not an entity ref",
    });
  });
});

describe('paved-road:adoption:record refused by the backend, in a scaffolder task', () => {
  const action = 'paved-road:adoption:record';
  // 1000 days are 24,000 hours; the backend takes at most 10,000.
  const tasks = useActionTasks(action, {
    features: [pavedRoadBackend],
    annotations: { 'backstage.io/time-saved': 'P1000D' },
  });

  it('passes on the backend’s message, naming where the refused value came from', async () => {
    expect(
      await tasks.run({ entityRef: 'component:default/cart-api' }),
    ).toEqual({
      status: 'failed',
      error:
        "The Paved Road backend refused the scaffold event: template annotation 'backstage.io/time-saved' ('P1000D', 24000 hours saved): must be <= 10000",
    });
    // An explicit input is named as the input.
    expect(
      await tasks.run({
        entityRef: 'component:default/cart-api',
        hoursSaved: 12,
      }),
    ).toEqual({
      status: 'completed',
      output: { eventId: expect.any(String), hoursSaved: 12 },
    });
  });
});

describe('paved-road:adoption:record not allowed by the backend, in a scaffolder task', () => {
  type Decision = Awaited<ReturnType<PermissionsService['authorize']>>[number];
  const decision = (allowed: boolean) =>
    ({ result: allowed ? 'ALLOW' : 'DENY' } as Decision);
  // Everything is allowed but recording scaffold events.
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r =>
        decision(r.permission.name !== 'paved-road.facts.write'),
      ),
    authorizeConditional: async requests => requests.map(() => decision(true)),
  });
  const tasks = useActionTasks('paved-road:adoption:record', {
    features: [pavedRoadBackend, permissions.factory],
  });

  it('passes on the backend’s message with the status', async () => {
    expect(
      await tasks.run({ entityRef: 'component:default/cart-api' }),
    ).toEqual({
      status: 'failed',
      error:
        'The Paved Road backend refused the scaffold event (403 Forbidden): Not allowed: paved-road.facts.write is required to record scaffold events',
    });
  });
});
