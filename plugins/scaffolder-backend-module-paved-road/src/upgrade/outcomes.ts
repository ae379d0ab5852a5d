import type {
  UpgradeOutcome,
  UpgradeRunResult,
} from '@paved-road/backstage-plugin-common';

/** One service's result in an upgrade run, as `POST /upgrade-runs` takes it. */
export type UpgradeResult = UpgradeRunResult;

/** What `paved-road:template:upgrade` outputs that decides the outcome. */
export interface UpgradeOutput {
  fromVersion?: string;
  toVersion?: string;
  upToDate?: boolean;
  conflicts?: unknown[];
  branchName?: string;
}

/**
 * The outcome of an upgrade that ran: current, conflicted (opened with markers) or
 * opened, with the scaffolder task that ran it (`taskId`) when known.
 */
export function outcomeOf(
  entityRef: string,
  upgrade: UpgradeOutput,
  published: { url?: string; branch?: string },
  taskId?: string,
): UpgradeResult {
  const conflicts = upgrade.conflicts?.length ?? 0;
  let outcome: UpgradeOutcome = 'opened';
  if (upgrade.upToDate) outcome = 'current';
  else if (conflicts > 0) outcome = 'conflicted';
  return {
    entityRef,
    fromVersion: upgrade.fromVersion ?? upgrade.toVersion ?? '0.0.0',
    outcome,
    ...(outcome !== 'current' && published.url ? { url: published.url } : {}),
    ...(outcome !== 'current' && (published.branch ?? upgrade.branchName)
      ? { branch: published.branch ?? upgrade.branchName }
      : {}),
    ...(outcome === 'conflicted' ? { conflicts } : {}),
    ...(taskId ? { taskId } : {}),
  };
}
