import { registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import {
  aggregates,
  baseUrl,
  orgHistory,
  platformToolsPage,
  resultsPage,
  scorecardDefinitions,
} from '../../__testUtils__/fixtures';
import { renderWithApis, USER_TOKEN } from '../../__testUtils__/renderWithApis';
import { PavedRoadDashboard } from './PavedRoadDashboard';

// Rendering the whole dashboard (tables and charts) takes seconds on a busy machine.
jest.setTimeout(30_000);

function LocationSearch() {
  return <output data-testid="search">{useLocation().search}</output>;
}

describe('PavedRoadDashboard', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const seen: string[] = [];

  beforeEach(() => {
    seen.length = 0;
    server.events.on('request:start', ({ request }) => {
      seen.push(request.url);
    });
    server.use(
      http.get(`${baseUrl}/aggregates`, () => HttpResponse.json(aggregates)),
      http.get(`${baseUrl}/scorecards`, () =>
        HttpResponse.json(scorecardDefinitions),
      ),
      http.get(`${baseUrl}/history`, ({ request }) => {
        const ref = new URL(request.url).searchParams.get('ref')!;
        return HttpResponse.json({
          ...orgHistory,
          ref,
          scope: ref === 'org' ? 'org' : 'group',
        });
      }),
      http.get(`${baseUrl}/results`, ({ request }) =>
        HttpResponse.json(
          new URL(request.url).searchParams.get('scorecard') ===
            'platform-asset'
            ? platformToolsPage
            : resultsPage,
        ),
      ),
      http.get(`${baseUrl}/templates/adoption`, () =>
        HttpResponse.json({
          items: [
            {
              templateRef: 'template:default/api-service',
              scaffolds: 3,
              hoursSaved: 120,
              versions: { '2.1.0': 1, '2.3.0': 2 },
              lastScaffoldedAt: '2026-11-01T10:00:00.000Z',
            },
          ],
        }),
      ),
      http.get(`${baseUrl}/upgrades/summary`, () =>
        HttpResponse.json({ items: [] }),
      ),
      http.get(`${baseUrl}/template-releases`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
  });
  afterEach(() => server.events.removeAllListeners());

  const render = (search = '') =>
    renderWithApis(
      <>
        <PavedRoadDashboard />
        <LocationSearch />
      </>,
      { routeEntries: [`/paved-road${search}`] },
    );

  it('shows org-wide figures, teams, templates, checks and entities', async () => {
    await render();
    const headline = await screen.findByRole('region', {
      name: 'Headline figures',
    });
    expect(within(headline).getByText('90%')).toBeInTheDocument();
    expect(
      within(headline).getByText('9 of 10 eligible services'),
    ).toBeInTheDocument();
    expect(within(headline).getByText('360')).toBeInTheDocument();
    // Levels in ladder order, lowest first, as the definition orders them.
    expect(
      await within(headline).findByText(
        'production-readiness: none 1, bronze 8, silver 1, gold 0',
      ),
    ).toBeInTheDocument();
    expect(
      await within(headline).findByRole('img', {
        name: /Golden-path adoption rate per day/,
      }),
    ).toBeInTheDocument();
    expect(
      within(headline).getByText('60% on 2026-11-21, 90% on 2026-11-22.'),
    ).toBeInTheDocument();
    // Every headline figure has its trend, from the scope's daily totals.
    expect(
      within(headline).getByRole('img', {
        name: /latest template version per day\. 50% on 2026-11-21, 89% on 2026-11-22\./,
      }),
    ).toBeInTheDocument();
    expect(
      within(headline).getByRole('img', {
        name: /Hours saved per day\. 240 h on 2026-11-21, 360 h on 2026-11-22\./,
      }),
    ).toBeInTheDocument();
    expect(
      within(headline).getByRole('img', {
        name: /Entities per level of production-readiness per day/,
      }),
    ).toBeInTheDocument();
    expect(
      within(headline).queryByText(/No daily history/),
    ).not.toBeInTheDocument();
    // Without a scorecard filter, the teams' levels are the headline scorecard's.
    const teams = screen.getByRole('region', { name: 'Teams' });
    expect(
      within(teams).getByText('Levels (production-readiness)'),
    ).toBeInTheDocument();
    expect(
      await within(teams).findByText('none 1, bronze 6, silver 1, gold 0'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Golden paths (1)')).toBeInTheDocument();
    // Golden paths: the scope's entities per template, their drift and hours saved.
    const templates = screen.getByRole('region', { name: 'Templates' });
    expect(
      within(templates).getByText('current 8, minor 1'),
    ).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Checks' })).toHaveTextContent(
      'probes',
    );
    expect(
      await screen.findByRole('link', { name: 'orders-api' }),
    ).toHaveAttribute('href', '/catalog/default/component/orders-api');
    const tools = screen.getByRole('region', { name: 'Templates' });
    expect(
      await within(tools).findByRole('link', { name: 'go-kit' }),
    ).toBeInTheDocument();
    expect(within(tools).getAllByText('Pass')).toHaveLength(2);
    expect(within(tools).getByText('Fail')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Checks' })).toHaveTextContent(
      'orders (4), payments (2)',
    );
    // Template upgrades: one row per golden path, from two requests.
    expect(
      await within(templates).findByText('Template upgrades (1)'),
    ).toBeInTheDocument();
    // aggregates, definitions, history, two result pages, adoption, upgrade summary,
    // template releases: no request per entity or group
    expect(seen.filter(u => u.startsWith(baseUrl)).length).toBeLessThanOrEqual(
      8,
    );
  });

  it('reads filters from the URL and scopes figures, history and results', async () => {
    server.use(
      http.get(`${baseUrl}/aggregates`, ({ request }) =>
        HttpResponse.json(
          new URL(request.url).searchParams.get('lifecycle') === 'production'
            ? aggregates
            : { ...aggregates, groups: [] },
        ),
      ),
    );
    await render('?owner=group%3Adefault%2Forders&lifecycle=production');
    const headline = await screen.findByRole('region', {
      name: 'Headline figures',
    });
    expect(
      within(headline).getByText('4 of 5 eligible services'),
    ).toBeInTheDocument();
    expect(
      within(headline).getByText(/count only entities of the chosen kind/),
    ).toBeInTheDocument();
    await waitFor(() => {
      // Kind, type and lifecycle narrow the aggregates on the server.
      expect(seen).toContain(`${baseUrl}/aggregates?lifecycle=production`);
      expect(seen).toContain(`${baseUrl}/history?ref=group%3Adefault%2Forders`);
      expect(seen).toContain(
        `${baseUrl}/results?owner=group%3Adefault%2Forders&lifecycle=production&limit=20&offset=0`,
      );
    });
  });

  it('drills down to a team by writing the owner into the URL', async () => {
    await render('?scorecard=production-readiness');
    const teams = await screen.findByRole('region', { name: 'Teams' });
    fireEvent.click(
      await within(teams).findByRole('button', { name: 'engineering' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('search')).toHaveTextContent(
        '?scorecard=production-readiness&owner=group%3Adefault%2Fengineering',
      ),
    );
    expect(
      await screen.findByText('7 of 8 eligible services'),
    ).toBeInTheDocument();
  });

  it('writes filters chosen in the filter bar into the URL', async () => {
    await render();
    await screen.findByRole('region', { name: 'Headline figures' });
    fireEvent.mouseDown(screen.getByLabelText('Scorecard'));
    fireEvent.click(
      await screen.findByRole('option', { name: 'golden-path-adoption' }),
    );
    const lifecycle = screen.getByLabelText('Lifecycle');
    fireEvent.change(lifecycle, { target: { value: 'production' } });
    fireEvent.keyDown(lifecycle, { key: 'Enter' });
    await waitFor(() =>
      expect(screen.getByTestId('search')).toHaveTextContent(
        '?scorecard=golden-path-adoption&lifecycle=production',
      ),
    );
    await waitFor(() =>
      expect(seen).toContain(
        `${baseUrl}/results?lifecycle=production&scorecard=golden-path-adoption&limit=20&offset=0`,
      ),
    );
  });

  it('downloads the CSV with the filters and the user token', async () => {
    let exported: Request | undefined;
    server.use(
      http.get(`${baseUrl}/export.csv`, ({ request }) => {
        exported = request;
        return new HttpResponse('entityRef,kind\n', {
          headers: { 'Content-Type': 'text/csv' },
        });
      }),
    );
    const createObjectURL = jest.fn(() => 'blob:csv');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await render('?system=system%3Adefault%2Fcommerce&kind=component');
    fireEvent.click(await screen.findByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(exported?.url).toBe(
      `${baseUrl}/export.csv?system=system%3Adefault%2Fcommerce&kind=component`,
    );
    expect(exported?.headers.get('authorization')).toBe(`Bearer ${USER_TOKEN}`);
    expect(createObjectURL).toHaveBeenCalled();
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:csv');
    click.mockRestore();
  });

  it('says when no entity matches the kind, type and lifecycle', async () => {
    server.use(
      http.get(`${baseUrl}/aggregates`, () =>
        HttpResponse.json({
          ...aggregates,
          org: { ...aggregates.org, entities: 0 },
          groups: [],
          systems: [],
        }),
      ),
    );
    await render('?kind=api');
    expect(
      await screen.findByText('No entities match these filters'),
    ).toBeInTheDocument();
    expect(seen).toContain(`${baseUrl}/aggregates?kind=api`);
  });

  it('shows the backend error', async () => {
    server.use(
      http.get(`${baseUrl}/aggregates`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database is down' } },
          { status: 500 },
        ),
      ),
    );
    await render();
    expect(
      (await screen.findAllByText(/database is down/)).length,
    ).toBeGreaterThan(0);
  });

  it('says when nothing has been evaluated yet', async () => {
    server.use(
      http.get(`${baseUrl}/aggregates`, () =>
        HttpResponse.json({
          ...aggregates,
          evaluatedAt: null,
          groups: [],
          systems: [],
        }),
      ),
    );
    await render();
    expect(
      await screen.findByText('No scorecard results yet'),
    ).toBeInTheDocument();
  });
});
