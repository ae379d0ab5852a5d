import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import {
  apiServiceCampaign,
  apiServiceProgress,
} from '../__testUtils__/campaignFixtures';
import { baseUrl, scorecardDefinitions } from '../__testUtils__/fixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { PavedRoadTabs } from './PavedRoadTabs';

describe('PavedRoadTabs', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() =>
    server.use(
      http.get(`${baseUrl}/scorecards`, () =>
        HttpResponse.json(scorecardDefinitions),
      ),
      http.get(`${baseUrl}/campaigns`, () =>
        HttpResponse.json({ items: [apiServiceCampaign] }),
      ),
      http.get(`${baseUrl}/campaigns/api-service-2-5`, () =>
        HttpResponse.json(apiServiceCampaign),
      ),
      http.get(`${baseUrl}/campaigns/api-service-2-5/progress`, () =>
        HttpResponse.json(apiServiceProgress),
      ),
      http.get(`${baseUrl}/campaigns/api-service-2-5/entities`, () =>
        HttpResponse.json({ items: [], totalItems: 0, limit: 20, offset: 0 }),
      ),
    ),
  );

  // Mounted the way both apps mount the page: at a path, with `/*`.
  const render = (path: string) =>
    renderWithApis(
      <Routes>
        <Route path="/paved-road/*" element={<PavedRoadTabs />} />
      </Routes>,
      { routeEntries: [path] },
    );

  it('links both tabs from the page and selects Campaigns under campaigns', async () => {
    await render('/paved-road/campaigns');
    expect(await screen.findByText('Campaigns (1)')).toBeInTheDocument();
    const adoption = screen.getByRole('tab', { name: 'Adoption' });
    const campaigns = screen.getByRole('tab', { name: 'Campaigns' });
    expect(adoption).toHaveAttribute('href', '/paved-road');
    expect(campaigns).toHaveAttribute('href', '/paved-road/campaigns');
    expect(campaigns).toHaveAttribute('aria-selected', 'true');
  });

  it("opens a campaign's page at campaigns/:id", async () => {
    await render('/paved-road/campaigns/api-service-2-5?state=done');
    expect(
      await screen.findByRole('heading', {
        name: 'API services on api-service 2.5',
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Campaigns' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });
});
