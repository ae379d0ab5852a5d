import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
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
import { EntityScorecardsCard } from './EntityScorecardsCard';

describe('EntityScorecardsCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  // The client reads the definitions from GET /scorecards.
  beforeEach(() =>
    server.use(
      http.get(`${baseUrl}/scorecards`, () =>
        HttpResponse.json(scorecardDefinitions),
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
