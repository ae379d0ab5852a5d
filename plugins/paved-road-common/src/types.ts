/**
 * One run of a golden-path template that produced an entity.
 *
 * @public
 */
export interface ScaffoldEvent {
  /** Assigned by the backend when the event is recorded. */
  id: string;
  /** The template's entity ref. */
  templateRef: string;
  /** The template version that ran, when known. */
  templateVersion?: string;
  /** The entity the run produced, as an entity ref. */
  entityRef: string;
  /** Hours the template's `backstage.io/time-saved` annotation declares per run. */
  hoursSaved: number;
  /** The user who ran the template, as an entity ref. */
  initiatedBy?: string;
  /** ISO 8601 timestamp of the run. */
  createdAt: string;
}

/**
 * The request body that records a scaffold event.
 *
 * @public
 */
export type ScaffoldEventInput = Omit<ScaffoldEvent, 'id' | 'createdAt'> & {
  createdAt?: string;
};

/**
 * Scaffold counts and hours saved for one template.
 *
 * @public
 */
export interface TemplateAdoption {
  /** The template's entity ref. */
  templateRef: string;
  /** Recorded runs. */
  scaffolds: number;
  /** Hours saved, summed over the recorded runs. */
  hoursSaved: number;
  /** Scaffold counts per template version. */
  versions: Record<string, number>;
  /** ISO 8601 timestamp of the latest recorded run. */
  lastScaffoldedAt: string;
}

/**
 * How one service's upgrade ended in an upgrade run: a pull request (or branch) was
 * `opened`; the service was already `current` on the target version; a pull request was
 * opened with conflict markers (`conflicted`); or the upgrade `failed`.
 *
 * @public
 */
export type UpgradeOutcome = 'opened' | 'current' | 'conflicted' | 'failed';

/**
 * An upgrade request's status, computed when it is read: `merged` once the service's
 * `backstage.io/template-version` in the catalog has reached the target version (for
 * requests that opened a pull request or branch); otherwise `open` (outcome `opened`),
 * `conflicted` (still open, with conflicts), `failed` or `current`.
 *
 * @public
 */
export type UpgradeRequestStatus =
  | 'open'
  | 'merged'
  | 'conflicted'
  | 'failed'
  | 'current';

/**
 * What an upgrade run was limited to, when it was.
 *
 * @public
 */
export interface UpgradeRunScope {
  /** The group or user whose services were upgraded, as an entity ref. */
  owner?: string;
  /** The system whose services were upgraded, as an entity ref. */
  system?: string;
}

/**
 * One service's result in an upgrade run.
 *
 * @public
 */
export interface UpgradeRunResult {
  /** The upgraded service, as an entity ref. */
  entityRef: string;
  /** The template version the service was on (a semantic version). */
  fromVersion: string;
  /** How the service's upgrade ended. */
  outcome: UpgradeOutcome;
  /** The pull request, or the branch's repository (`file://` for a local one). */
  url?: string;
  /** The branch the upgrade was committed to. */
  branch?: string;
  /** Files with conflict markers (outcome `conflicted`). */
  conflicts?: number;
  /** Why the upgrade failed (outcome `failed`), at most 2000 characters. */
  reason?: string;
  /**
   * The scaffolder task that ran the upgrade: its page (`/create/tasks/<taskId>` in
   * an app that mounts the scaffolder at `/create`) shows the upgrade's title, branch
   * and diff, which a browser cannot open from a local branch's `file://` URL.
   */
  taskId?: string;
}

/**
 * The request body that records an upgrade run (`POST /upgrade-runs`).
 *
 * @public
 */
export interface UpgradeRunInput {
  /** The template's entity ref; the kind defaults to template. */
  templateRef: string;
  /** The template version the services were upgraded to (a semantic version). */
  toVersion: string;
  /** The owner or system the run was limited to, when it was. */
  scope?: UpgradeRunScope;
  /** One result per service, 1 to 5000, each service once. */
  results: UpgradeRunResult[];
}

/**
 * Results per outcome.
 *
 * @public
 */
export interface UpgradeOutcomeCounts {
  /** Pull requests (or branches) opened. */
  opened: number;
  /** Services already on the target version. */
  current: number;
  /** Pull requests opened with conflict markers. */
  conflicted: number;
  /** Upgrades that failed. */
  failed: number;
}

/**
 * The answer to recording an upgrade run.
 *
 * @public
 */
export interface RecordedUpgradeRun {
  /** Assigned by the backend. */
  id: string;
  /** ISO 8601 timestamp of the recording. */
  createdAt: string;
  /** Every result of the run, per outcome. */
  counts: UpgradeOutcomeCounts;
}

/**
 * A recorded upgrade run, without its results.
 *
 * @public
 */
export interface UpgradeRun {
  /** Assigned by the backend when the run was recorded. */
  id: string;
  /** The template's entity ref. */
  templateRef: string;
  /** The target version, normalised (no leading `v`). */
  toVersion: string;
  /** The owner or system the run was limited to, when it was. */
  scope?: UpgradeRunScope;
  /** Who recorded it: a user's entity ref, or a service's subject. */
  createdBy: string;
  /** ISO 8601 timestamp of the recording. */
  createdAt: string;
  /** The results of the services the caller may read, per outcome. */
  counts: UpgradeOutcomeCounts;
}

/**
 * A recorded upgrade run with its results.
 *
 * @public
 */
export interface UpgradeRunWithResults extends UpgradeRun {
  /** The results of the services the caller may read, by entity ref. */
  results: UpgradeRunResult[];
}

/**
 * An upgrade request: the latest result recorded for one service, template and target
 * version, with its status computed when read.
 *
 * @public
 */
export interface UpgradeRequest extends UpgradeRunResult {
  /** The run that recorded it. */
  runId: string;
  /** The template's entity ref. */
  templateRef: string;
  /** The target version. */
  toVersion: string;
  /** The status now (see {@link UpgradeRequestStatus}). */
  status: UpgradeRequestStatus;
  /**
   * The service's `backstage.io/template-version` in the catalog now; null when the
   * catalog has none (or the service is not in the catalog).
   */
  currentVersion: string | null;
  /** ISO 8601 timestamp of the run. */
  createdAt: string;
}

/**
 * Filters of `GET /upgrades`.
 *
 * @public
 */
export interface UpgradeRequestsQuery {
  /** A template entity ref; the kind defaults to template. */
  templateRef?: string;
  /** One service's requests, as an entity ref. */
  entityRef?: string;
  /** Only requests with this status. */
  status?: UpgradeRequestStatus;
  /** At most this many requests, newest first: 500 by default, at most 5000. */
  limit?: number;
}

/**
 * Upgrade requests of one template, per status, over the latest request per service
 * and target version.
 *
 * @public
 */
export interface UpgradeTemplateSummary {
  /** The template's entity ref. */
  templateRef: string;
  /** Pull requests (or branches) still open. */
  open: number;
  /** Pull requests whose target version the catalog now shows. */
  merged: number;
  /** Pull requests still open, with conflicts to resolve. */
  conflicted: number;
  /** Upgrades that failed. */
  failed: number;
  /** Services that were already on the target version. */
  current: number;
  /** ISO 8601 timestamp of the template's latest run the counts include. */
  lastRunAt: string;
}

/**
 * A template version as released in the catalog, and how far its services followed:
 * one per template and version an evaluation pass saw as the template's latest (its own
 * `backstage.io/template-version`).
 *
 * @public
 */
export interface TemplateRelease {
  /** The template's entity ref. */
  templateRef: string;
  /** The version, normalised (no leading `v`). */
  version: string;
  /**
   * ISO 8601 time of the release: the template's `paved-road.io/released-at` for this
   * version, or `firstSeenAt` when it has none.
   */
  releasedAt: string;
  /** ISO 8601 time an evaluation pass first saw the template at this version. */
  firstSeenAt: string;
  /**
   * ISO 8601 time more than half of the template's golden-path entities were first seen
   * on this version or a later one; null until then (and for a version superseded
   * before it got there).
   */
  majorityAt: string | null;
  /** The template's golden-path entities, as of the last pass that saw this version as its latest. */
  entities: number;
  /** Of those, the entities on this version or a later one. */
  onVersion: number;
  /** ISO 8601 time of the last pass that updated `entities` and `onVersion`. */
  updatedAt: string;
}
