import { HeaderTabs, Link } from '@backstage/core-components';
import { Route, Routes, useLocation, useParams } from 'react-router-dom';
import { CampaignRoute, CampaignsList } from './Campaigns';
import { PavedRoadDashboard } from './Dashboard';

/**
 * The Paved Road page's tabs and their routes, shared by both frontend systems:
 * Adoption (the dashboard) at the page's root, so its links keep working, and
 * Campaigns at `campaigns`, with a campaign's page at `campaigns/:id`. Each view
 * renders its own `Content`, so the tabs are `HeaderTabs` over plain routes rather
 * than `RoutedTabs`, which would wrap them in a second one.
 */
export function PavedRoadTabs() {
  // The page's own path: the location without what its `/*` route leaves to the tabs,
  // so the tabs work wherever (and however) the page is mounted.
  const { pathname } = useLocation();
  const rest = useParams()['*'] ?? '';
  const root = pathname
    .slice(0, pathname.length - rest.length)
    .replace(/\/$/, '');
  const onCampaigns =
    pathname === `${root}/campaigns` ||
    pathname.startsWith(`${root}/campaigns/`);
  const tabs = [
    {
      id: 'adoption',
      label: 'Adoption',
      tabProps: { component: Link, to: root || '/' },
    },
    {
      id: 'campaigns',
      label: 'Campaigns',
      tabProps: { component: Link, to: `${root}/campaigns` },
    },
  ];
  return (
    <>
      <HeaderTabs tabs={tabs} selectedIndex={onCampaigns ? 1 : 0} />
      <Routes>
        <Route path="campaigns" element={<CampaignsList />} />
        <Route path="campaigns/:id" element={<CampaignRoute />} />
        <Route path="*" element={<PavedRoadDashboard />} />
      </Routes>
    </>
  );
}
