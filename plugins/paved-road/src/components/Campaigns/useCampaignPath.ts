import { useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../../routes';

/**
 * The path of the campaigns tab, or of one campaign's page; undefined when the Paved
 * Road page is not mounted in the app (then campaigns are shown without links).
 */
export function useCampaignPath(): ((id?: string) => string) | undefined {
  let root: (() => string) | undefined;
  try {
    // useRouteRef throws after its own hooks ran when the page is not mounted, so the
    // hook order holds on every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    root = useRouteRef(rootRouteRef);
  } catch {
    root = undefined;
  }
  if (!root) return undefined;
  const base = root().replace(/\/$/, '');
  return id =>
    id ? `${base}/campaigns/${encodeURIComponent(id)}` : `${base}/campaigns`;
}
