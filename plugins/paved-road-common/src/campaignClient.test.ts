import { CampaignInput } from './campaigns';
import { PavedRoadClient } from './client';

const campaign: CampaignInput = {
  id: 'startup-probes',
  title: 'Startup probes everywhere',
  description: 'Every production service has a startup probe.',
  owner: 'group:default/platform',
  goal: {
    type: 'checks',
    scorecard: 'production-readiness',
    checks: ['startup-probe'],
  },
  scope: { lifecycle: 'production' },
  startsOn: '2026-12-01',
  deadline: '2027-01-31',
};

describe('PavedRoadClient campaigns', () => {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const client = new PavedRoadClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/paved-road' },
    fetchApi: {
      fetch: (async (url: string, init?: RequestInit) => {
        calls.push({ url, init });
        if (init?.method === 'DELETE')
          return new Response(null, { status: 204 });
        if (url.endsWith('/missing')) {
          return new Response(
            JSON.stringify({
              error: { name: 'NotFoundError', message: 'No campaign missing' },
              response: { statusCode: 404 },
            }),
            { status: 404, headers: { 'Content-Type': 'application/json' } },
          );
        }
        return new Response(JSON.stringify({ items: [] }), {
          status: init?.method === 'POST' ? 201 : 200,
          headers: { 'Content-Type': 'application/json' },
        });
      }) as typeof fetch,
    },
  });

  beforeEach(() => {
    calls.length = 0;
  });

  it('reads campaigns and their edits', async () => {
    await client.listCampaigns();
    await client.getCampaign('startup-probes');
    await client.listCampaignEdits('startup-probes');
    expect(calls.map(c => [c.init?.method ?? 'GET', c.url])).toEqual([
      ['GET', 'http://backend/api/paved-road/campaigns'],
      ['GET', 'http://backend/api/paved-road/campaigns/startup-probes'],
      ['GET', 'http://backend/api/paved-road/campaigns/startup-probes/edits'],
    ]);
    await expect(client.getCampaign('missing')).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
      body: { error: { message: 'No campaign missing' } },
    });
  });

  it('creates, replaces and deletes, with a token when given', async () => {
    await client.createCampaign(campaign, { token: 't0k' });
    await client.updateCampaign('startup-probes', campaign);
    await expect(
      client.deleteCampaign('startup-probes', { token: 't0k' }),
    ).resolves.toBeUndefined();
    expect(
      calls.map(c => [
        c.init?.method,
        c.url,
        c.init?.headers,
        c.init?.body && JSON.parse(String(c.init.body)).id,
      ]),
    ).toEqual([
      [
        'POST',
        'http://backend/api/paved-road/campaigns',
        { 'Content-Type': 'application/json', Authorization: 'Bearer t0k' },
        'startup-probes',
      ],
      [
        'PUT',
        'http://backend/api/paved-road/campaigns/startup-probes',
        { 'Content-Type': 'application/json' },
        'startup-probes',
      ],
      [
        'DELETE',
        'http://backend/api/paved-road/campaigns/startup-probes',
        { Authorization: 'Bearer t0k' },
        undefined,
      ],
    ]);
  });
});
