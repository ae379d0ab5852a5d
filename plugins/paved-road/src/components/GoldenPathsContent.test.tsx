import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  TestApiProvider,
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/test-utils';
import { PavedRoadClient } from '@paved-road/backstage-plugin-common';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { pavedRoadApiRef } from '../api';
import { GoldenPathsContent } from './GoldenPathsContent';

const template = (
  name: string,
  title: string,
  version: string,
  timeSaved: string,
) => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name,
    title,
    namespace: 'default',
    tags: ['golden-path'],
    annotations: {
      'backstage.io/template-version': version,
      'backstage.io/time-saved': timeSaved,
    },
  },
  spec: { type: 'service', owner: 'group:default/platform' },
});

describe('GoldenPathsContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const baseUrl = 'http://localhost:7007/api/paved-road';

  const render = () =>
    renderInTestApp(
      <TestApiProvider
        apis={[
          [
            catalogApiRef,
            catalogApiMock({
              entities: [
                template('api-service', 'API service', '2.3.0', 'PT40H'),
                template('cron-job', 'Cron job', '1.2.0', 'P2D'),
              ],
            }),
          ],
          [
            pavedRoadApiRef,
            new PavedRoadClient({
              discoveryApi: mockApis.discovery({
                baseUrl: 'http://localhost:7007',
              }),
            }),
          ],
        ]}
      >
        <GoldenPathsContent />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

  it('lists golden paths with version, time saved and adoption', async () => {
    server.use(
      http.get(`${baseUrl}/templates/adoption`, () =>
        HttpResponse.json({
          items: [
            {
              templateRef: 'template:default/api-service',
              scaffolds: 3,
              hoursSaved: 120,
              versions: { '2.2.0': 1, '2.3.0': 2 },
              lastScaffoldedAt: '2026-05-01T10:00:00.000Z',
            },
          ],
        }),
      ),
    );
    await render();
    expect(await screen.findByText('Golden paths (2)')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'API service' })).toHaveAttribute(
      'href',
      '/catalog/default/template/api-service',
    );
    expect(screen.getByText('2.2.0 (1), 2.3.0 (2)')).toBeInTheDocument();
    expect(screen.getByText('120')).toBeInTheDocument();
    expect(screen.getByText('48')).toBeInTheDocument(); // P2D
  });

  it('shows the backend error', async () => {
    server.use(
      http.get(`${baseUrl}/templates/adoption`, () =>
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
});
