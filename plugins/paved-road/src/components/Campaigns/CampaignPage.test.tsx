import { registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  apiServiceCampaign,
  apiServiceProgress,
  ordersApiTodo,
  probesCampaign,
  probesProgress,
} from '../../__testUtils__/campaignFixtures';
import { baseUrl, scorecardDefinitions } from '../../__testUtils__/fixtures';
import { renderWithApis, USER_TOKEN } from '../../__testUtils__/renderWithApis';
import { rootRouteRef } from '../../routes';
import { CampaignPage } from './CampaignPage';

// Tables and a chart take seconds to render on a busy machine.
jest.setTimeout(30_000);

describe('CampaignPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const entityQueries: string[] = [];
  const seen: string[] = [];

  beforeEach(() => {
    entityQueries.length = 0;
    seen.length = 0;
    server.events.on('request:start', ({ request }) => {
      seen.push(request.url);
    });
    server.use(
      http.get(`${baseUrl}/scorecards`, () =>
        HttpResponse.json(scorecardDefinitions),
      ),
      http.get(`${baseUrl}/campaigns/api-service-2-5`, () =>
        HttpResponse.json(apiServiceCampaign),
      ),
      http.get(`${baseUrl}/campaigns/api-service-2-5/progress`, () =>
        HttpResponse.json(apiServiceProgress),
      ),
      http.get(`${baseUrl}/campaigns/startup-probes`, () =>
        HttpResponse.json(probesCampaign),
      ),
      http.get(`${baseUrl}/campaigns/startup-probes/progress`, () =>
        HttpResponse.json(probesProgress),
      ),
      http.get(`${baseUrl}/campaigns/:id/entities`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        entityQueries.push(
          `state=${query.get('state')} owner=${query.get('owner')}`,
        );
        return HttpResponse.json({
          items: [ordersApiTodo],
          totalItems: 1,
          limit: Number(query.get('limit')),
          offset: 0,
        });
      }),
      http.get(`${baseUrl}/campaigns/startup-probes/edits`, () =>
        HttpResponse.json({
          items: [
            {
              campaignId: 'startup-probes',
              action: 'updated',
              at: '2026-12-04T10:00:00.000Z',
              by: 'user:default/derek.olsen',
              changes: {
                deadline: { before: '2027-01-15', after: '2027-01-31' },
                title: { before: 'Probes', after: 'Startup probes everywhere' },
              },
            },
          ],
        }),
      ),
    );
  });

  const render = (campaignId: string) =>
    renderWithApis(<CampaignPage campaignId={campaignId} />, {
      mountedRoutes: { '/paved-road': rootRouteRef },
      routeEntries: [`/paved-road/campaigns/${campaignId}`],
    });

  it('shows what the campaign asks, its figures, burn-up and teams', async () => {
    await render('api-service-2-5');
    expect(
      await screen.findByText('API services on api-service 2.5'),
    ).toBeInTheDocument();
    expect(screen.getByText('api-service 2.5').tagName).toBe('STRONG');
    expect(screen.getByText('api-service >=2.5.0')).toBeInTheDocument();
    expect(
      screen.getByText('Every entity scaffolded from api-service'),
    ).toBeInTheDocument();
    expect(screen.getByText('1 Nov 2026')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'All campaigns' })).toHaveAttribute(
      'href',
      '/paved-road/campaigns',
    );
    // The edit log is for campaigns from the API only.
    expect(screen.queryByText('Edit log')).not.toBeInTheDocument();
    expect(seen.some(url => url.includes('/edits'))).toBe(false);

    const progress = screen.getByRole('region', { name: 'Progress' });
    expect(within(progress).getByText('18% complete')).toBeInTheDocument();
    expect(within(progress).getByText('5 days overdue')).toBeInTheDocument();
    expect(
      within(progress).getByRole('img', {
        name: 'Burn-up chart. 2 of 11 done or exempt on 2026-12-05; deadline 30 Nov 2026.',
      }),
    ).toBeInTheDocument();

    const teams = screen.getByRole('region', { name: 'Teams' });
    const rows = within(teams).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/cloudcart.*9.*1.*1.*11.*18%/);
    expect(rows[2]).toHaveTextContent(/orders.*cloudcart.*2.*1.*0.*3.*33%/);
  });

  it('lists the entities to do with what to change, by team and by state', async () => {
    await render('api-service-2-5');
    const entities = await screen.findByRole('region', { name: 'Entities' });
    const link = await within(entities).findByRole('link', {
      name: 'orders-api',
    });
    const row = within(link.closest('tr')!);
    expect(row.getByText('Overdue')).toBeInTheDocument();
    expect(
      row.getByText('Upgrade to a release of api-service satisfying >=2.5.0'),
    ).toBeInTheDocument();
    expect(row.getByText('Upgrade').tagName).toBe('STRONG');
    expect(row.getByRole('link', { name: 'How to fix it' })).toHaveAttribute(
      'href',
      'https://example.com/upgrade',
    );
    expect(entityQueries).toEqual(['state=todo owner=null']);

    fireEvent.click(
      screen.getByRole('button', { name: 'Show the entities of orders' }),
    );
    expect(await screen.findByText('Team: orders')).toBeInTheDocument();
    await waitFor(() =>
      expect(entityQueries).toContain('state=todo owner=group:default/orders'),
    );

    fireEvent.mouseDown(screen.getByLabelText('State'));
    fireEvent.click(await screen.findByRole('option', { name: 'All' }));
    await waitFor(() =>
      expect(entityQueries).toContain('state=null owner=group:default/orders'),
    );
  });

  it('downloads the CSV of the entities shown, with the user token', async () => {
    let csvRequest: Request | undefined;
    server.use(
      http.get(
        `${baseUrl}/campaigns/api-service-2-5/export.csv`,
        ({ request }) => {
          csvRequest = request;
          return new HttpResponse('entityRef,owner,state\n', {
            headers: { 'content-type': 'text/csv' },
          });
        },
      ),
    );
    const createObjectURL = jest.fn(() => 'blob:csv');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    await render('api-service-2-5');
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Show the entities of orders',
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: /Download CSV/ }));
    await waitFor(() => expect(revokeObjectURL).toHaveBeenCalled());
    const url = new URL(csvRequest!.url);
    expect(url.searchParams.get('state')).toBe('todo');
    expect(url.searchParams.get('owner')).toBe('group:default/orders');
    expect(csvRequest!.headers.get('authorization')).toBe(
      `Bearer ${USER_TOKEN}`,
    );
  });

  it('shows the edit log of a campaign from the API', async () => {
    await render('startup-probes');
    const log = await screen.findByRole('region', { name: 'Edit log' });
    expect(await within(log).findByText('Updated')).toBeInTheDocument();
    expect(within(log).getByText('derek.olsen')).toBeInTheDocument();
    expect(within(log).getByText('deadline, title')).toBeInTheDocument();
    expect(
      screen.getByText('Pass startup-probe of Production readiness'),
    ).toBeInTheDocument();
  });

  it('says when progress is not computed yet', async () => {
    server.use(
      http.get(`${baseUrl}/campaigns/api-service-2-5/progress`, () =>
        HttpResponse.json({ ...apiServiceProgress, computedAt: null }),
      ),
    );
    await render('api-service-2-5');
    expect(
      await screen.findByText('Progress not computed yet'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Teams' })).toBeNull();
  });
});
