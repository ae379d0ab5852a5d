import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  apiServiceCampaign,
  ordersApiTodo,
  probesCampaign,
} from '../../__testUtils__/campaignFixtures';
import { baseUrl, ordersApi } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { rootRouteRef } from '../../routes';
import { EntityCampaigns } from './EntityCampaigns';
import { EntityCampaignsSummary } from './EntityCampaignsSummary';

const campaignsUrl = `${baseUrl}/entity-campaigns/component/default/orders-api`;

const done = {
  ...ordersApiTodo,
  state: 'done' as const,
  overdue: false,
  todo: [],
  completedAt: '2026-12-04T09:00:00.000Z',
  daysToComplete: 3,
};

describe('EntityCampaigns', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const answer = (items: object[]) =>
    server.use(http.get(campaignsUrl, () => HttpResponse.json({ items })));

  const render = (element: JSX.Element) =>
    renderWithApis(element, {
      entity: ordersApi,
      mountedRoutes: { '/paved-road': rootRouteRef },
    });

  it('lists the campaigns with the entity state and what it still has to change', async () => {
    answer([
      { campaign: apiServiceCampaign, entity: ordersApiTodo },
      { campaign: probesCampaign, entity: done },
    ]);
    await render(<EntityCampaigns />);
    const section = await screen.findByRole('region', { name: 'Campaigns' });
    expect(within(section).getByText('Campaigns (2)')).toBeInTheDocument();
    expect(
      within(section).getByRole('link', {
        name: 'API services on api-service 2.5',
      }),
    ).toHaveAttribute('href', '/paved-road/campaigns/api-service-2-5');
    expect(within(section).getByText('To do, overdue')).toBeInTheDocument();
    expect(
      within(section).getByText(/Deadline 30 Nov 2026/),
    ).toBeInTheDocument();
    expect(within(section).getByText(/days? overdue/)).toBeInTheDocument();
    expect(
      within(section).getByText(
        'Upgrade to a release of api-service satisfying >=2.5.0',
      ),
    ).toBeInTheDocument();
    expect(within(section).getByText('Upgrade').tagName).toBe('STRONG');
    expect(within(section).getByText('Done')).toBeInTheDocument();
  });

  it('renders nothing when the entity is in no campaign', async () => {
    let asked = false;
    server.use(
      http.get(campaignsUrl, () => {
        asked = true;
        return HttpResponse.json({ items: [] });
      }),
    );
    const { container } = await render(<EntityCampaigns />);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(asked).toBe(true);
    expect(container).toBeEmptyDOMElement();
  });

  it('sums the campaigns up in one line linking to the Scorecards tab', async () => {
    answer([
      {
        campaign: probesCampaign,
        entity: { ...ordersApiTodo, overdue: false },
      },
      { campaign: apiServiceCampaign, entity: done },
    ]);
    await render(<EntityCampaignsSummary />);
    expect(
      await screen.findByRole('link', {
        name: 'In 2 campaigns: 1 to do by 31 Jan 2027',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/orders-api/scorecards',
    );
  });

  it('says how many are overdue', async () => {
    answer([{ campaign: apiServiceCampaign, entity: ordersApiTodo }]);
    await render(<EntityCampaignsSummary />);
    expect(
      await screen.findByRole('link', {
        name: 'In 1 campaign: 1 to do, 1 overdue',
      }),
    ).toBeInTheDocument();
  });
});
