import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  PAVED_ROAD_ANNOTATIONS,
  templateDrift,
  UpgradeOutcome,
  UpgradeRequest,
  UpgradeRequestStatus,
  UpgradeTemplateSummary,
} from '@paved-road/backstage-plugin-common';
import { StoredUpgradeRequest } from '../database/DatabaseUpgradeStore';

/** Entity refs per catalog request. */
const REFS_PER_REQUEST = 500;

/** The outcomes a request with `status` may have been recorded with. */
const OUTCOMES_OF: Record<UpgradeRequestStatus, UpgradeOutcome[]> = {
  open: ['opened'],
  conflicted: ['conflicted'],
  merged: ['opened', 'conflicted'],
  failed: ['failed'],
  current: ['current'],
};

/** Whether a request opened a pull request or branch, which may since be merged. */
const mayMerge = (outcome: UpgradeOutcome) =>
  outcome === 'opened' || outcome === 'conflicted';

/** Whether `status` can be the status of a request recorded with `outcome`. */
export function mayHaveStatus(
  outcome: UpgradeOutcome,
  status: UpgradeRequestStatus | undefined,
): boolean {
  return !status || OUTCOMES_OF[status].includes(outcome);
}

/** Whether the version in use has reached `target` (both semantic versions). */
function reached(inUse: string | null, target: string): boolean {
  if (!inUse) return false;
  try {
    const { status } = templateDrift(inUse, target);
    return status === 'current' || status === 'ahead';
  } catch {
    // Not a semantic version: the catalog does not say the upgrade landed.
    return false;
  }
}

/**
 * A request's status: `merged` when it opened a pull request or branch (outcome
 * `opened` or `conflicted`) and the entity's template version in the catalog has
 * reached the target version; otherwise as recorded (`open` for `opened`).
 */
export function statusOf(
  request: Pick<StoredUpgradeRequest, 'outcome' | 'toVersion'>,
  currentVersion: string | null,
): UpgradeRequestStatus {
  const { outcome, toVersion } = request;
  if (mayMerge(outcome)) {
    if (reached(currentVersion, toVersion)) return 'merged';
    return outcome === 'opened' ? 'open' : 'conflicted';
  }
  return outcome;
}

/**
 * The `backstage.io/template-version` in the catalog of the entities whose requests may
 * have been merged, read with the caller's credentials (so nothing is read for them that
 * they may not read); null for those without one or missing from the catalog.
 */
export async function currentVersions(
  catalog: CatalogService,
  requests: StoredUpgradeRequest[],
  credentials: BackstageCredentials,
): Promise<Map<string, string | null>> {
  const refs = [
    ...new Set(requests.filter(r => mayMerge(r.outcome)).map(r => r.entityRef)),
  ];
  const versions = new Map<string, string | null>();
  for (let i = 0; i < refs.length; i += REFS_PER_REQUEST) {
    const chunk = refs.slice(i, i + REFS_PER_REQUEST);
    const { items } = await catalog.getEntitiesByRefs(
      {
        entityRefs: chunk,
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
        ],
      },
      { credentials },
    );
    chunk.forEach((ref, index) => {
      const version =
        items[index]?.metadata.annotations?.[
          PAVED_ROAD_ANNOTATIONS.templateVersion
        ];
      versions.set(ref, typeof version === 'string' ? version : null);
    });
  }
  return versions;
}

/** The requests with their statuses (computed from `versions`). */
export function withStatus(
  requests: StoredUpgradeRequest[],
  versions: Map<string, string | null>,
): UpgradeRequest[] {
  return requests.map(request => {
    const currentVersion = versions.get(request.entityRef) ?? null;
    return {
      ...request,
      status: statusOf(request, currentVersion),
      currentVersion,
    };
  });
}

/** Requests per template and status, by template ref. */
export function summarise(
  requests: Array<Pick<UpgradeRequest, 'templateRef' | 'status' | 'createdAt'>>,
): UpgradeTemplateSummary[] {
  const byTemplate = new Map<string, UpgradeTemplateSummary>();
  for (const { templateRef, status, createdAt } of requests) {
    const summary = byTemplate.get(templateRef) ?? {
      templateRef,
      open: 0,
      merged: 0,
      conflicted: 0,
      failed: 0,
      current: 0,
      lastRunAt: createdAt,
    };
    summary[status] += 1;
    if (createdAt > summary.lastRunAt) summary.lastRunAt = createdAt;
    byTemplate.set(templateRef, summary);
  }
  return [...byTemplate.values()].sort((a, b) =>
    a.templateRef.localeCompare(b.templateRef),
  );
}
