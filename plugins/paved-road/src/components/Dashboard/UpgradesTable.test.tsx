import { registerMswTestHooks } from '@backstage/test-utils';
import { TemplateRelease } from '@paved-road/backstage-plugin-common';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { baseUrl } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { timeToMost, UpgradesTable } from './UpgradesTable';

const API_SERVICE = 'template:default/api-service';

const release = (extra: Partial<TemplateRelease>): TemplateRelease => ({
  templateRef: API_SERVICE,
  version: '2.3.0',
  releasedAt: '2026-11-20T09:00:00.000Z',
  firstSeenAt: '2026-11-20T09:00:00.000Z',
  majorityAt: null,
  entities: 9,
  onVersion: 4,
  updatedAt: '2026-11-23T09:00:00.000Z',
  ...extra,
});

const error = (status: number, message: string) =>
  HttpResponse.json({ error: { name: 'Error', message } }, { status });

describe('UpgradesTable', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const answer = (answers: {
    releases?: TemplateRelease[] | HttpResponse<any>;
    summary?: object[] | HttpResponse<any>;
  }) =>
    server.use(
      http.get(`${baseUrl}/template-releases`, () =>
        Array.isArray(answers.releases ?? [])
          ? HttpResponse.json({ items: answers.releases ?? [] })
          : (answers.releases as HttpResponse<any>),
      ),
      http.get(`${baseUrl}/upgrades/summary`, () =>
        Array.isArray(answers.summary ?? [])
          ? HttpResponse.json({ items: answers.summary ?? [] })
          : (answers.summary as HttpResponse<any>),
      ),
    );

  const row = async () => {
    const link = await screen.findByRole('link', { name: 'API service' });
    return within(link.closest('tr')!);
  };

  it('shows the latest release, its services, the time to most and the upgrades', async () => {
    answer({
      releases: [
        // The catalog's version (the fixture template is at 2.3.0).
        release({ majorityAt: '2026-11-23T10:00:00.000Z', onVersion: 6 }),
        release({ version: '2.2.0', releasedAt: '2026-10-01T09:00:00.000Z' }),
        release({ templateRef: 'template:default/worker', version: '2.3.0' }),
      ],
      summary: [
        {
          templateRef: API_SERVICE,
          open: 3,
          merged: 2,
          conflicted: 1,
          failed: 1,
          current: 4,
          lastRunAt: '2026-11-22T15:30:00.000Z',
        },
      ],
    });
    renderWithApis(<UpgradesTable />);
    expect(
      await screen.findByText('Template upgrades (1)'),
    ).toBeInTheDocument();
    const cells = await row();
    expect(cells.getByText('2.3.0')).toBeInTheDocument();
    expect(cells.getByText('2026-11-20')).toBeInTheDocument();
    expect(cells.getByText('6 of 9 services')).toBeInTheDocument();
    expect(cells.getByText('3 days')).toBeInTheDocument();
    expect(cells.getByText('3')).toBeInTheDocument();
    expect(cells.getByText('2')).toBeInTheDocument();
    expect(cells.getByText('1')).toBeInTheDocument();
    expect(cells.getByText('2026-11-22')).toBeInTheDocument();
  });

  it('says not yet before most services are on it, and shows no upgrades as none', async () => {
    answer({ releases: [release({})] });
    renderWithApis(<UpgradesTable />);
    const cells = await row();
    expect(cells.getByText('4 of 9 services')).toBeInTheDocument();
    expect(cells.getByText(/^not yet/)).toBeInTheDocument();
    expect(cells.getAllByText('0')).toHaveLength(3);
  });

  it('keeps the upgrades when the releases are refused, saying why', async () => {
    answer({
      releases: error(
        403,
        'Not allowed: template releases count entities you may not read',
      ),
      summary: [
        {
          templateRef: API_SERVICE,
          open: 5,
          merged: 0,
          conflicted: 0,
          failed: 0,
          current: 0,
          lastRunAt: '2026-11-22T15:30:00.000Z',
        },
      ],
    });
    renderWithApis(<UpgradesTable />);
    const cells = await row();
    expect(cells.getByText('5')).toBeInTheDocument();
    expect(
      screen.getByText(
        /Release figures unavailable: .*entities you may not read/,
      ),
    ).toBeInTheDocument();
  });

  it('shows the backend error when the upgrades cannot be read', async () => {
    answer({ summary: error(500, 'database is down') });
    renderWithApis(<UpgradesTable />);
    expect(
      (await screen.findAllByText(/database is down/)).length,
    ).toBeGreaterThan(0);
  });

  it('tells the time from a release to most services in days', () => {
    const now = Date.parse('2026-11-25T10:00:00.000Z');
    const at = (majorityAt: string | null) =>
      timeToMost(
        release({
          releasedAt: '2026-11-20T09:00:00.000Z',
          firstSeenAt: '2026-11-20T09:10:00.000Z',
          majorityAt,
        }),
        now,
      );
    expect(at(null)).toBe('not yet (5 days so far)');
    expect(
      timeToMost(release({ releasedAt: '2026-11-25T09:00:00.000Z' }), now),
    ).toBe('not yet');
    expect(at('2026-11-20T09:10:00.000Z')).toBe('under a day');
    expect(at('2026-11-21T08:59:59.000Z')).toBe('under a day');
    expect(at('2026-11-21T09:00:00.000Z')).toBe('1 day');
    expect(at('2026-11-27T12:00:00.000Z')).toBe('7 days');
    // Installed after the release, most services already on it when first seen: an
    // upper bound only.
    expect(
      timeToMost(
        release({
          releasedAt: '2026-10-01T00:00:00.000Z',
          firstSeenAt: '2026-11-20T09:00:00.000Z',
          majorityAt: '2026-11-20T09:00:00.000Z',
        }),
      ),
    ).toBe('within 50 days');
  });
});
