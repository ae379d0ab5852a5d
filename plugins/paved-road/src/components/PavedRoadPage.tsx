import { Header, Page } from '@backstage/core-components';
import { PavedRoadTabs } from './PavedRoadTabs';

/** The Paved Road page with its own header, for the legacy frontend system. */
export function PavedRoadPage() {
  return (
    <Page themeId="tool">
      <Header title="Paved Road" subtitle="Golden paths and their adoption" />
      <PavedRoadTabs />
    </Page>
  );
}
