import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  PavedRoadClient,
  UpgradeRunInput,
} from '@paved-road/backstage-plugin-common';
import { UpgradeResult } from './outcomes';

/** An upgrade run as the Paved Road backend records it (`POST /upgrade-runs`). */
export type UpgradeRun = UpgradeRunInput;

/** Records an upgrade run with the Paved Road backend, authenticated as this backend. */
export async function recordUpgradeRun(
  options: { auth: AuthService; discovery: DiscoveryService },
  run: UpgradeRun,
): Promise<{ id: string }> {
  const client = new PavedRoadClient({ discoveryApi: options.discovery });
  const { token } = await options.auth.getPluginRequestToken({
    onBehalfOf: await options.auth.getOwnServiceCredentials(),
    targetPluginId: 'paved-road',
  });
  return client.recordUpgradeRun(run, { token });
}

/** Counts of each outcome. */
export function countOutcomes(results: UpgradeResult[]) {
  const counts = { opened: 0, current: 0, conflicted: 0, failed: 0 };
  for (const r of results) counts[r.outcome]++;
  return counts;
}
