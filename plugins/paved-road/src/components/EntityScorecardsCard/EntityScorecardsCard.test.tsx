import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  baseUrl,
  ordersApi,
  ordersScorecards,
  ordersResults,
  scorecardDefinitions,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { scaffolderRouteRef } from '../../routes';
import { EntityScorecardsCard } from './EntityScorecardsCard';

describe('EntityScorecardsCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  // The client reads the definitions from GET /scorecards; orders-api has no open
  // upgrade (OpenUpgrade.test.tsx covers those).
  beforeEach(() =>
    server.use(
      http.get(`${baseUrl}/scorecards`, () =>
        HttpResponse.json(scorecardDefinitions),
      ),
      http.get(`${baseUrl}/upgrades`, () =>
        HttpResponse.json({ items: [], totalItems: 0 }),
      ),
      // In no campaign (Campaigns/EntityCampaigns.test.tsx covers those).
      http.get(`${baseUrl}/entity-campaigns/:kind/:namespace/:name`, () =>
        HttpResponse.json({ items: [] }),
      ),
    ),
  );
  const entityUrl = `${baseUrl}/entities/component/default/orders-api/scorecards`;

  it('shows the level, what is missing for the next one, and drift', async () => {
    let requests = 0;
    server.use(
      http.get(entityUrl, () => {
        requests += 1;
        return HttpResponse.json(ordersResults);
      }),
    );
    await renderWithApis(<EntityScorecardsCard />, { entity: ordersApi });
    expect(await screen.findByText('Production readiness')).toBeInTheDocument();
    expect(
      screen.getByText('bronze: Owned and catalogued'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Next: Safe to deploy, missing Liveness, readiness and startup probes',
      ),
    ).toBeInTheDocument();
    expect(await screen.findByText(/latest 2\.3\.0/)).toBeInTheDocument();
    expect(screen.getByText(/version in use 2\.1\.0/)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      /Drift: a minor release or more behind/,
    );
    expect(
      screen.getAllByRole('link', { name: 'API service' })[0],
    ).toHaveAttribute('href', '/catalog/default/template/api-service');
    expect(requests).toBe(1);
  });

  describe('the upgrade link of the drift warning', () => {
    const upgradeLink = 'Upgrade with a pull request';
    // The scaffolder's page of template:default/upgrade-service, its form's `entity`
    // prefilled with {"entity":"component:default/orders-api"}, URL-encoded.
    const upgradeHref =
      '/create/templates/default/upgrade-service?formData=%7B%22entity%22%3A%22component%3Adefault%2Forders-api%22%7D';
    const withDrift = (drift: 'current' | 'minor' | 'major') =>
      server.use(
        http.get(entityUrl, () =>
          HttpResponse.json({
            ...ordersResults,
            entity: { ...ordersResults.entity!, drift },
          }),
        ),
      );

    it.each(['minor', 'major'] as const)(
      'opens the upgrade template with the entity preselected (%s drift)',
      async drift => {
        withDrift(drift);
        await renderWithApis(<EntityScorecardsCard />, {
          entity: ordersApi,
          mountedRoutes: { '/create': scaffolderRouteRef },
        });
        const alert = await screen.findByRole('alert');
        expect(alert).toHaveTextContent(
          `Drift: a ${drift} release or more behind`,
        );
        const link = within(alert).getByRole('link', { name: upgradeLink });
        expect(link).toHaveAttribute('href', upgradeHref);
        const formData = new URL(
          link.getAttribute('href')!,
          'http://localhost',
        ).searchParams.get('formData');
        expect(JSON.parse(formData!)).toEqual({
          entity: 'component:default/orders-api',
        });
      },
    );

    it('is left out when the app binds no scaffolder route', async () => {
      withDrift('minor');
      await renderWithApis(<EntityScorecardsCard />, { entity: ordersApi });
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent(
        /Drift: a minor release or more behind of its template\. See the upgrade notes in the docs of API service\.$/,
      );
      expect(
        within(alert).getByRole('link', { name: 'API service' }),
      ).toBeInTheDocument();
      expect(
        screen.queryByRole('link', { name: upgradeLink }),
      ).not.toBeInTheDocument();
    });

    it('is not offered to an entity on the latest version', async () => {
      withDrift('current');
      await renderWithApis(<EntityScorecardsCard />, {
        entity: ordersApi,
        mountedRoutes: { '/create': scaffolderRouteRef },
      });
      expect(
        await screen.findByText('This entity is on the latest version.'),
      ).toBeInTheDocument();
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
      expect(
        screen.queryByRole('link', { name: upgradeLink }),
      ).not.toBeInTheDocument();
    });
  });

  it('says when no scorecard applies', async () => {
    server.use(
      http.get(entityUrl, () =>
        HttpResponse.json({
          entity: { ...ordersScorecards.entity, stale: false },
          results: [],
          scorecards: [],
        }),
      ),
    );
    await renderWithApis(<EntityScorecardsCard />, { entity: ordersApi });
    expect(
      await screen.findByText('No scorecard applies to this entity'),
    ).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    server.use(
      http.get(entityUrl, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No entity orders-api' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await renderWithApis(<EntityScorecardsCard />, { entity: ordersApi });
    expect(
      (await screen.findAllByText(/No entity orders-api/)).length,
    ).toBeGreaterThan(0);
  });
});
