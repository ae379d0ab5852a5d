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

  it('names the bad annotation when time saved is not a duration', async () => {
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/cart-api' },
      templateInfo: {
        ...templateInfo,
        entity: {
          metadata: {
            name: 'api-service',
            annotations: { 'backstage.io/time-saved': '40 hours' },
          },
        },
      },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      "template annotation 'backstage.io/time-saved' must be an ISO 8601 duration",
    );
  });

  it('passes on the backend’s verdict on a bad entity ref', async () => {
    const ctx = createMockActionContext({
      input: { entityRef: 'not a ref:::' },
      templateInfo,
    });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      cause: { message: expect.stringContaining('entityRef') },
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
