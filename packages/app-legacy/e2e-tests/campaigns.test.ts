import { test } from '@playwright/test';
// The same journey as the new frontend system's app runs: both apps mount the same
// Paved Road components. e2e tests are not published, so the source is shared as is.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  campaignsJourney,
  entityCampaignsJourney,
} from '../../app/e2e-tests/campaignsFlow';

test.describe('campaigns in the legacy frontend system', () => {
  test.describe.configure({ timeout: 300_000 });

  test('the Campaigns tab, a campaign page, a team drill-down and its CSV', async ({
    page,
  }) => {
    await campaignsJourney(page, 'legacy-');
  });

  test("an entity's Scorecards tab and card show its campaigns", async ({
    page,
  }) => {
    await entityCampaignsJourney(page, 'legacy-');
  });
});
