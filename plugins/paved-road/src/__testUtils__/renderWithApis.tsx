import { Entity } from '@backstage/catalog-model';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
  TestAppOptions,
} from '@backstage/test-utils';
import { PavedRoadClient } from '@paved-road/backstage-plugin-common';
import { ReactElement } from 'react';
import { pavedRoadApiRef } from '../api';
import { apiServiceTemplate, groups } from './fixtures';

/** The token the test fetch API sends, as a signed-in user's would. */
export const USER_TOKEN = 'user-token';

/** Options of {@link renderWithApis}. */
export interface RenderWithApisOptions {
  entity?: Entity;
  allowEvaluate?: boolean;
  routeEntries?: string[];
  /** More routes to mount (external route refs are bound to them), e.g. the scaffolder. */
  mountedRoutes?: TestAppOptions['mountedRoutes'];
}

/**
 * Renders an element in a test app with the REAL PavedRoadClient (answered by msw), a
 * mock catalog and a permission API.
 */
export function renderWithApis(
  element: ReactElement,
  options: RenderWithApisOptions = {},
) {
  const discoveryApi = mockApis.discovery({ baseUrl: 'http://localhost:7007' });
  const fetchApi = {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      request.headers.set('Authorization', `Bearer ${USER_TOKEN}`);
      return fetch(request);
    },
  };
  const wrapped = options.entity ? (
    <EntityProvider entity={options.entity}>{element}</EntityProvider>
  ) : (
    element
  );
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          catalogApiRef,
          catalogApiMock({ entities: [apiServiceTemplate, ...groups] }),
        ],
        [discoveryApiRef, discoveryApi],
        [fetchApiRef, fetchApi],
        [pavedRoadApiRef, new PavedRoadClient({ discoveryApi, fetchApi })],
        [
          permissionApiRef,
          mockApis.permission({
            authorize:
              options.allowEvaluate === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      {wrapped}
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        ...options.mountedRoutes,
      },
      routeEntries: options.routeEntries,
    },
  );
}
