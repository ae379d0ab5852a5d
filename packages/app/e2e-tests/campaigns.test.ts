import { test } from '@playwright/test';
import { campaignsJourney, entityCampaignsJourney } from './campaignsFlow';

test.describe('campaigns in the dev instance (new frontend system)', () => {
  test.describe.configure({ timeout: 300_000 });

  test('the Campaigns tab, a campaign page, a team drill-down and its CSV', async ({
    page,
  }) => {
    await campaignsJourney(page, '');
  });

  test("an entity's Scorecards tab and card show its campaigns", async ({
    page,
  }) => {
    await entityCampaignsJourney(page, '');
  });
});
