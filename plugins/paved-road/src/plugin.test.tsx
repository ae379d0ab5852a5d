import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  baseUrl,
  ordersApi,
  ordersHistory,
  ordersResults,
  scorecardDefinitions,
} from './__testUtils__/fixtures';
import { renderWithApis } from './__testUtils__/renderWithApis';
import {
  EntityScorecardsCard,
  EntityScorecardsContent,
  pavedRoadPlugin,
} from './plugin';
import { scaffolderRouteRef } from './routes';

describe('the legacy plugin', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  // The client reads the definitions from GET /scorecards.
  beforeEach(() =>
    server.use(
      http.get(`${baseUrl}/scorecards`, () =>
        HttpResponse.json(scorecardDefinitions),
      ),
      // orders-api is in no campaign (Campaigns/EntityCampaigns.test.tsx covers those).
      http.get(`${baseUrl}/entity-campaigns/:kind/:namespace/:name`, () =>
        HttpResponse.json({ items: [] }),
      ),
    ),
  );

  beforeEach(() =>
    server.use(
      http.get(
        `${baseUrl}/entities/component/default/orders-api/scorecards`,
        () => HttpResponse.json(ordersResults),
      ),
      http.get(`${baseUrl}/history`, () => HttpResponse.json(ordersHistory)),
      http.get(`${baseUrl}/upgrades`, () =>
        HttpResponse.json({ items: [], totalItems: 0 }),
      ),
    ),
  );

  it('provides the paved-road API', () => {
    expect(pavedRoadPlugin.getId()).toBe('paved-road');
    expect([...pavedRoadPlugin.getApis()].map(a => a.api.id)).toEqual([
      'plugin.paved-road.api',
    ]);
  });

  it('has the optional scaffolder route for apps to bind', () => {
    expect(pavedRoadPlugin.externalRoutes).toEqual({
      scaffolder: scaffolderRouteRef,
    });
    expect(scaffolderRouteRef.optional).toBe(true);
  });

  it('renders the card and the content extensions', async () => {
    await renderWithApis(
      <>
        <EntityScorecardsCard />
        <EntityScorecardsContent />
      </>,
      { entity: ordersApi },
    );
    expect(
      await screen.findByText(/Next: Safe to deploy, missing/),
    ).toBeInTheDocument();
    expect(await screen.findByText('Network policy')).toBeInTheDocument();
  });
});
