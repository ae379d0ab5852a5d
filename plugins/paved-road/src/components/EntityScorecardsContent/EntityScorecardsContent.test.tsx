import { registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  baseUrl,
  ordersApi,
  ordersHistory,
  ordersResults,
  scorecardDefinitions,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { EntityScorecardsContent } from './EntityScorecardsContent';

describe('EntityScorecardsContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  // The client reads the definitions from GET /scorecards.
  beforeEach(() =>
    server.use(
      http.get(`${baseUrl}/scorecards`, () =>
        HttpResponse.json(scorecardDefinitions),
      ),
      // In no campaign (Campaigns/EntityCampaigns.test.tsx covers those).
      http.get(`${baseUrl}/entity-campaigns/:kind/:namespace/:name`, () =>
        HttpResponse.json({ items: [] }),
      ),
    ),
  );
  const entityUrl = `${baseUrl}/entities/component/default/orders-api/scorecards`;
  let scorecardRequests = 0;
  const historyRefs: Array<string | null> = [];

  beforeEach(() => {
    scorecardRequests = 0;
    server.use(
      http.get(entityUrl, () => {
        scorecardRequests += 1;
        return HttpResponse.json(ordersResults);
      }),
      http.get(`${baseUrl}/history`, ({ request }) => {
        historyRefs.push(new URL(request.url).searchParams.get('ref'));
        return HttpResponse.json(ordersHistory);
      }),
    );
  });

  it('lists every check by level with its status, remediation and staleness', async () => {
    await renderWithApis(<EntityScorecardsContent />, { entity: ordersApi });
    expect(
      await screen.findByText('Liveness, readiness and startup probes'),
    ).toBeInTheDocument();
    expect(screen.getByText('Safe to deploy (silver)')).toBeInTheDocument();
    for (const word of ['Pass', 'Fail', 'Exempt', 'Unknown']) {
      expect(screen.getByText(word)).toBeInTheDocument();
    }
    expect(screen.getByText('Why: escape hatch: PLAT-42')).toBeInTheDocument();
    expect(screen.getByText('every')).toBeInTheDocument(); // markdown bold
    // Descriptions are Markdown too: code, not backticks.
    expect(screen.getByText('spec.owner').tagName).toBe('CODE');
    expect(screen.getByRole('link', { name: /How to fix it/ })).toHaveAttribute(
      'href',
      'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
    );
    expect(screen.getByText(/Last evaluated/)).toBeInTheDocument();
    expect(
      screen.getByText(/Stale: .*GitHub answered 502/),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('img', {
        name: /Level on Production readiness per day/,
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'No level yet on 2026-11-20, Owned and catalogued on 2026-11-22.',
      ),
    ).toBeInTheDocument();
    expect(historyRefs).toContain('component:default/orders-api');
  });

  it('re-evaluates this entity for a user with the permission and reloads', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${baseUrl}/evaluate`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({
          mode: 'entity',
          scanned: 1,
          evaluated: 1,
          unchanged: 0,
          removed: 0,
          stale: 0,
          durationMs: 42,
        });
      }),
    );
    await renderWithApis(<EntityScorecardsContent />, { entity: ordersApi });
    fireEvent.click(await screen.findByRole('button', { name: 'Re-evaluate' }));
    expect(
      await screen.findByText('Re-evaluated in 42 ms.'),
    ).toBeInTheDocument();
    expect(bodies).toEqual([{ entityRef: 'component:default/orders-api' }]);
    await waitFor(() => expect(scorecardRequests).toBe(2));
  });

  it('surfaces a refused re-evaluation', async () => {
    server.use(
      http.post(`${baseUrl}/evaluate`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'Not allowed' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await renderWithApis(<EntityScorecardsContent />, { entity: ordersApi });
    fireEvent.click(await screen.findByRole('button', { name: 'Re-evaluate' }));
    expect(
      within(await screen.findByRole('status')).getByText(/failed/),
    ).toBeInTheDocument();
  });
});
