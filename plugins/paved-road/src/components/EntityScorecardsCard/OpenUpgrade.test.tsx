import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import { UpgradeRequest } from '@paved-road/backstage-plugin-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  baseUrl,
  ordersApi,
  ordersResults,
  scorecardDefinitions,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { scaffolderRouteRef } from '../../routes';
import { EntityScorecardsCard } from './EntityScorecardsCard';

const ORDERS = 'component:default/orders-api';
const BRANCH = 'paved-road/upgrade-api-service-2.5.0';
const TASK_ID = '0b8e7f52-3c1d-4a8e-9f3e-2d7c6b5a4e31';
/** The line of an open pull request (an external link, which says it opens a window). */
const PULL_REQUEST_TEXT =
  /^Upgrade to 2\.5\.0 open: pull request(, Opens in a new window)?\.$/;

// The card renders in a whole test app; give it room on a loaded machine.
jest.setTimeout(20_000);

/** An upgrade request of orders-api as `GET /upgrades` answers it. */
const request = (extra: Partial<UpgradeRequest>): UpgradeRequest => ({
  runId: '5a0c8b8e-93c2-4f0e-8d0f-3f3a9c1b2d4e',
  templateRef: 'template:default/api-service',
  entityRef: ORDERS,
  fromVersion: '2.1.0',
  toVersion: '2.5.0',
  outcome: 'opened',
  status: 'open',
  currentVersion: '2.1.0',
  createdAt: '2026-12-05T10:00:00.000Z',
  ...extra,
});

describe('the Scorecards card with an open upgrade', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const entityUrl = `${baseUrl}/entities/component/default/orders-api/scorecards`;
  let asked: string[];

  /** The entity's scorecards with `drift`, and `items` as its upgrade requests. */
  function answer(
    items: UpgradeRequest[] | 'error',
    drift: 'minor' | 'current' = 'minor',
  ) {
    asked = [];
    server.use(
      http.get(`${baseUrl}/scorecards`, () =>
        HttpResponse.json(scorecardDefinitions),
      ),
      http.get(`${baseUrl}/entity-campaigns/:kind/:namespace/:name`, () =>
        HttpResponse.json({ items: [] }),
      ),
      http.get(entityUrl, () =>
        HttpResponse.json({
          ...ordersResults,
          entity: { ...ordersResults.entity!, drift },
        }),
      ),
      http.get(`${baseUrl}/upgrades`, ({ request: req }) => {
        asked.push(new URL(req.url).searchParams.get('entityRef')!);
        return items === 'error'
          ? HttpResponse.json(
              {
                error: { name: 'Error', message: 'database unavailable' },
                response: { statusCode: 500 },
              },
              { status: 500 },
            )
          : HttpResponse.json({ items, totalItems: items.length });
      }),
    );
  }

  const render = (withScaffolder = true) =>
    renderWithApis(<EntityScorecardsCard />, {
      entity: ordersApi,
      mountedRoutes: withScaffolder ? { '/create': scaffolderRouteRef } : {},
    });

  it('links the drift warning to the open pull request instead of offering another', async () => {
    const url = 'https://github.com/acme/orders-api/pull/7';
    answer([request({ url, branch: BRANCH, taskId: TASK_ID })]);
    await render();
    const alert = await screen.findByRole('alert');
    expect(
      await within(alert).findByText(/Upgrade to 2\.5\.0 open/),
    ).toHaveTextContent(PULL_REQUEST_TEXT);
    expect(
      within(alert).getByRole('link', { name: /^pull request/ }),
    ).toHaveAttribute('href', url);
    expect(
      screen.queryByRole('link', { name: 'Upgrade with a pull request' }),
    ).not.toBeInTheDocument();
    expect(asked).toEqual([ORDERS]);
  });

  it('links a local branch to the scaffolder task that made it', async () => {
    answer([
      request({
        url: 'file:///srv/repos/orders-api',
        branch: BRANCH,
        taskId: TASK_ID,
      }),
    ]);
    await render();
    const open = await screen.findByTestId('open-upgrade');
    expect(open).toHaveTextContent(`Upgrade to 2.5.0 open: branch ${BRANCH}.`);
    expect(within(open).getByRole('link', { name: BRANCH })).toHaveAttribute(
      'href',
      `/create/tasks/${TASK_ID}`,
    );
    expect(
      screen.queryByRole('link', { name: 'Upgrade with a pull request' }),
    ).not.toBeInTheDocument();
  });

  it('names the branch without a link when the app binds no scaffolder route', async () => {
    answer([request({ branch: BRANCH, taskId: TASK_ID })]);
    await render(false);
    const open = await screen.findByTestId('open-upgrade');
    expect(open).toHaveTextContent(`Upgrade to 2.5.0 open: branch ${BRANCH}.`);
    expect(within(open).queryByRole('link')).not.toBeInTheDocument();
  });

  it('says how many files have conflict markers', async () => {
    answer([
      request({
        outcome: 'conflicted',
        status: 'conflicted',
        branch: BRANCH,
        taskId: TASK_ID,
        conflicts: 2,
      }),
    ]);
    await render();
    expect(await screen.findByTestId('open-upgrade')).toHaveTextContent(
      `Upgrade to 2.5.0 open: branch ${BRANCH}, with conflict markers in 2 files to resolve.`,
    );
  });

  it('shows an open upgrade of an entity not behind by a minor release, outside the drift warning', async () => {
    answer(
      [request({ url: 'https://github.com/acme/orders-api/pull/8' })],
      'current',
    );
    await render();
    const open = await screen.findByTestId('open-upgrade');
    expect(open).toHaveTextContent(PULL_REQUEST_TEXT);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('offers a new upgrade when the earlier ones were merged, failed or current', async () => {
    answer([
      request({
        status: 'merged',
        toVersion: '2.4.0',
        url: 'https://github.com/acme/orders-api/pull/5',
      }),
      request({ outcome: 'failed', status: 'failed', reason: 'no answers' }),
      request({ outcome: 'current', status: 'current', toVersion: '2.1.0' }),
    ]);
    await render();
    const alert = await screen.findByRole('alert');
    expect(
      await within(alert).findByRole('link', {
        name: 'Upgrade with a pull request',
      }),
    ).toBeInTheDocument();
    await waitFor(() => expect(asked).toEqual([ORDERS]));
    expect(screen.queryByTestId('open-upgrade')).not.toBeInTheDocument();
  });

  it('keeps the card and its upgrade link when the upgrades cannot be loaded', async () => {
    answer('error');
    await render();
    expect(
      await screen.findByText(
        /^Open upgrades could not be loaded: Request failed with 500/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Production readiness')).toBeInTheDocument();
    expect(
      within(screen.getByRole('alert')).getByRole('link', {
        name: 'Upgrade with a pull request',
      }),
    ).toBeInTheDocument();
  });
});
