import { Entity } from '@backstage/catalog-model';
import {
  ApiBlueprint,
  coreExtensionData,
  createExtension,
  createFrontendPlugin,
  createRouteRef,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  registerMswTestHooks,
  renderInTestApp,
  TestAppOptions,
} from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis } from '@backstage/test-utils';
import { PavedRoadClient } from '@paved-road/backstage-plugin-common';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  aggregates,
  apiServiceTemplate,
  baseUrl,
  ordersApi,
  ordersHistory,
  ordersResults,
  scorecardDefinitions,
  resultsPage,
} from './__testUtils__/fixtures';
import { pavedRoadApiRef } from './api';
import { scaffolderRouteRef } from './routes';
import plugin from './alpha';
import {
  entityScorecardsCard,
  entityScorecardsContent,
  pavedRoadApi,
  pavedRoadPage,
} from './alpha/extensions';

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'orders' },
  spec: { type: 'team', children: [] },
};

// Whole pages render here; give them room on a loaded 2-core machine.
jest.setTimeout(30_000);

describe('the new-frontend-system plugin', () => {
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

  const renderEntityExtension = (
    element: JSX.Element,
    options: Pick<TestAppOptions, 'features'> = {},
  ) =>
    renderInTestApp(
      <EntityProvider entity={ordersApi}>{element}</EntityProvider>,
      {
        apis: [
          [
            pavedRoadApiRef,
            new PavedRoadClient({
              discoveryApi: mockApis.discovery({
                baseUrl: 'http://localhost:7007',
              }),
            }),
          ],
          [catalogApiRef, catalogApiMock({ entities: [apiServiceTemplate] })],
          [
            permissionApiRef,
            mockApis.permission({ authorize: AuthorizeResult.DENY }),
          ],
        ] as const,
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        ...options,
      },
    );

  beforeEach(() => {
    server.use(
      http.get(
        `${baseUrl}/entities/component/default/orders-api/scorecards`,
        () => HttpResponse.json(ordersResults),
      ),
      http.get(`${baseUrl}/history`, () => HttpResponse.json(ordersHistory)),
      // No upgrade open: the drift warning offers one.
      http.get(`${baseUrl}/upgrades`, () =>
        HttpResponse.json({ items: [], totalItems: 0 }),
      ),
    );
  });

  it('is the paved-road plugin with exactly these extensions', () => {
    expect(plugin.pluginId).toBe('paved-road');
    // The definitions the other tests exercise are the ones the plugin registers (the
    // plugin sets their namespace).
    const registered = (id: string) =>
      plugin.getExtension(id) as unknown as Record<string, unknown>;
    for (const [id, definition] of [
      ['api:paved-road', pavedRoadApi],
      ['page:paved-road', pavedRoadPage],
      ['entity-card:paved-road/scorecards', entityScorecardsCard],
      ['entity-content:paved-road/scorecards', entityScorecardsContent],
    ] as const) {
      expect(registered(id)).toEqual({
        ...definition,
        namespace: 'paved-road',
      });
    }
    const api = createExtensionTester(pavedRoadApi);
    expect(api.get(ApiBlueprint.dataRefs.factory).api.id).toBe(
      'plugin.paved-road.api',
    );
  });

  it('mounts the page at /paved-road with a title for its nav item', () => {
    const tester = createExtensionTester(pavedRoadPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/paved-road');
    expect(tester.get(coreExtensionData.title)).toBe('Paved Road');
  });

  it('renders the adoption dashboard on the page', async () => {
    server.use(
      http.get(`${baseUrl}/aggregates`, () => HttpResponse.json(aggregates)),
      http.get(`${baseUrl}/templates/adoption`, () =>
        HttpResponse.json({ items: [] }),
      ),
      http.get(`${baseUrl}/results`, () => HttpResponse.json(resultsPage)),
    );
    const tester = createExtensionTester(pavedRoadPage);
    renderEntityExtension(tester.reactElement());
    expect(
      await screen.findByText(
        '9 of 10 eligible services',
        {},
        { timeout: 5000 },
      ),
    ).toBeInTheDocument();
  });

  it('renders the scorecard card only for entities a scorecard applies to', async () => {
    const tester = createExtensionTester(entityScorecardsCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(ordersApi)).toBe(true);
    expect(filter(group)).toBe(false);
    // In the overview's side column next to About, not below the relations.
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
    expect(
      createExtensionTester(entityScorecardsCard, {
        config: { type: 'content' },
      }).get(EntityCardBlueprint.dataRefs.type),
    ).toBe('content');
    renderEntityExtension(tester.reactElement());
    expect(
      await screen.findByText(/Next: Safe to deploy, missing/),
    ).toBeInTheDocument();
  });

  it('renders the Scorecards tab at scorecards only for entities a scorecard applies to', async () => {
    const tester = createExtensionTester(entityScorecardsContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('scorecards');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Scorecards',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(ordersApi)).toBe(true);
    expect(filter(group)).toBe(false);
    renderEntityExtension(tester.reactElement());
    expect(await screen.findByText('Network policy')).toBeInTheDocument();
  });

  it("links the drift warning to the scaffolder's upgrade template without a binding", async () => {
    // A stand-in for @backstage/plugin-scaffolder/alpha: plugin `scaffolder` with its
    // `root` route mounted at /create (attached where renderInTestApp mounts routes,
    // since it renders no app/routes). The plugin's external route targets
    // `scaffolder.root` by default, so the app binds nothing.
    const scaffolderRoot = createRouteRef();
    const scaffolder = createFrontendPlugin({
      pluginId: 'scaffolder',
      routes: { root: scaffolderRoot },
      extensions: [
        createExtension({
          name: 'root',
          attachTo: { id: 'app/root', input: 'elements' },
          output: [
            coreExtensionData.reactElement,
            coreExtensionData.routePath,
            coreExtensionData.routeRef,
          ],
          factory: () => [
            coreExtensionData.reactElement(<></>),
            coreExtensionData.routePath('/create'),
            coreExtensionData.routeRef(scaffolderRoot),
          ],
        }),
      ],
    });
    const tester = createExtensionTester(entityScorecardsCard);
    renderEntityExtension(tester.reactElement(), {
      features: [plugin, scaffolder],
    });
    const alert = await screen.findByRole('alert');
    // Offered once the service's upgrades are read (none is open).
    expect(
      await within(alert).findByRole('link', {
        name: 'Upgrade with a pull request',
      }),
    ).toHaveAttribute(
      'href',
      '/create/templates/default/upgrade-service?formData=%7B%22entity%22%3A%22component%3Adefault%2Forders-api%22%7D',
    );
  });

  it('registers the optional scaffolder route as its external route', () => {
    expect(plugin.externalRoutes).toEqual({ scaffolder: scaffolderRouteRef });
  });
});
