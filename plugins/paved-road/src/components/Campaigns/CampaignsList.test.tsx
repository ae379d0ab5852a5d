import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  apiServiceCampaign,
  apiServiceProgress,
  probesCampaign,
  probesProgress,
} from '../../__testUtils__/campaignFixtures';
import { baseUrl, scorecardDefinitions } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { rootRouteRef } from '../../routes';
import { CampaignsList } from './CampaignsList';

describe('CampaignsList', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const answer = (progress: Record<string, object | HttpResponse<any>>) =>
    server.use(
      http.get(`${baseUrl}/scorecards`, () =>
        HttpResponse.json(scorecardDefinitions),
      ),
      http.get(`${baseUrl}/campaigns`, () =>
        HttpResponse.json({ items: [apiServiceCampaign, probesCampaign] }),
      ),
      http.get(`${baseUrl}/campaigns/:id/progress`, ({ params }) => {
        const answerOf = progress[params.id as string];
        return answerOf instanceof HttpResponse
          ? answerOf
          : HttpResponse.json(answerOf);
      }),
    );

  const row = async (title: string) => {
    const link = await screen.findByRole('link', { name: title });
    return within(link.closest('tr')!);
  };

  const render = () =>
    renderWithApis(<CampaignsList />, {
      mountedRoutes: { '/paved-road': rootRouteRef },
    });

  it('lists each campaign with its goal, progress, deadline and source', async () => {
    answer({
      'api-service-2-5': apiServiceProgress,
      'startup-probes': probesProgress,
    });
    await render();
    expect(await screen.findByText('Campaigns (2)')).toBeInTheDocument();

    const overdue = await row('API services on api-service 2.5');
    expect(
      screen.getByRole('link', { name: 'API services on api-service 2.5' }),
    ).toHaveAttribute('href', '/paved-road/campaigns/api-service-2-5');
    expect(overdue.getByText('engineering-enablement')).toBeInTheDocument();
    expect(overdue.getByText('api-service >=2.5.0')).toBeInTheDocument();
    expect(overdue.getByText('2 of 11 done')).toBeInTheDocument();
    expect(overdue.getByText('30 Nov 2026')).toBeInTheDocument();
    expect(overdue.getByText('5 days overdue')).toBeInTheDocument();
    expect(overdue.getByText('config')).toBeInTheDocument();

    const onTrack = await row('Startup probes everywhere');
    expect(
      onTrack.getByText('Pass startup-probe of Production readiness'),
    ).toBeInTheDocument();
    expect(onTrack.getByText('3 of 16 done')).toBeInTheDocument();
    expect(onTrack.getByText('57 days left')).toBeInTheDocument();
    expect(onTrack.getByText('API')).toBeInTheDocument();
  });

  it('keeps the campaign when its progress is not computed yet or refused', async () => {
    answer({
      'api-service-2-5': { ...apiServiceProgress, computedAt: null },
      'startup-probes': HttpResponse.json(
        { error: { name: 'Error', message: 'database busy' } },
        { status: 500 },
      ),
    });
    await render();
    const pending = await row('API services on api-service 2.5');
    expect(pending.getByText('Not computed yet')).toBeInTheDocument();
    const refused = await row('Startup probes everywhere');
    expect(
      refused.getByText(/Progress unavailable: .*500/),
    ).toBeInTheDocument();
  });

  it('says so when there is no campaign', async () => {
    server.use(
      http.get(`${baseUrl}/scorecards`, () =>
        HttpResponse.json(scorecardDefinitions),
      ),
      http.get(`${baseUrl}/campaigns`, () => HttpResponse.json({ items: [] })),
    );
    await render();
    expect(await screen.findByText('No campaigns yet')).toBeInTheDocument();
  });
});
