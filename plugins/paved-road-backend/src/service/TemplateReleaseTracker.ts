import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PAVED_ROAD_ANNOTATIONS,
  parseVersion,
} from '@paved-road/backstage-plugin-common';
import semver from 'semver';
import {
  ReleaseObservation,
  TemplateReleaseStore,
  VersionCount,
} from '../database/TemplateReleaseStore';
import { CatalogIndex } from './CatalogIndex';

/** An ISO 8601 date, optionally with a time. */
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Each template's latest version with its golden-path entities counted: all of them,
 * and those on that version or a later one (drift `current` or `ahead` against it). An
 * entity without a valid version counts among the entities only (drift `unknown`).
 *
 * @internal
 */
export function observeReleases(
  latest: Array<{ ref: string; version: string; releasedAt?: Date | null }>,
  counts: VersionCount[],
): ReleaseObservation[] {
  const byTemplate = new Map<string, VersionCount[]>();
  for (const count of counts) {
    byTemplate.set(count.templateRef, [
      ...(byTemplate.get(count.templateRef) ?? []),
      count,
    ]);
  }
  return latest.map(({ ref, version, releasedAt = null }) => {
    let entities = 0;
    let onVersion = 0;
    for (const count of byTemplate.get(ref) ?? []) {
      entities += count.count;
      const inUse = count.version
        ? semver.parse(count.version.trim().replace(/^v/, ''))
        : null;
      if (inUse && semver.gte(inUse, version)) onVersion += count.count;
    }
    return { templateRef: ref, version, releasedAt, entities, onVersion };
  });
}

/**
 * Tracks template releases at the end of every evaluation pass
 * ({@link TemplateReleaseStore}): reads the templates of the catalog index the pass
 * refreshed, counts their golden-path entities per version in use in one query, and
 * records each template's latest version. Runs after every pass, even one that
 * evaluated nothing, since a template's version changes without its entities changing.
 *
 * @internal
 */
export class TemplateReleaseTracker {
  /** Invalid template versions already logged, so each is logged once. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly options: {
      store: TemplateReleaseStore;
      index: Pick<CatalogIndex, 'templates'>;
      logger?: LoggerService;
    },
  ) {}

  /** Logs `message` once. */
  private warnOnce(message: string) {
    if (!this.warned.has(message)) {
      this.warned.add(message);
      this.options.logger?.warn(message);
    }
  }

  /**
   * The template's `paved-road.io/released-at` as a date; null (logged once) when it is
   * not an ISO 8601 date or is later than `now`.
   */
  private releaseDate(ref: string, value: string | null, now: Date) {
    if (value === null) return null;
    const where = `${ref}: annotation '${PAVED_ROAD_ANNOTATIONS.releasedAt}'`;
    const date = ISO_DATE.test(value.trim()) ? new Date(value.trim()) : null;
    if (!date || Number.isNaN(date.getTime())) {
      this.warnOnce(
        `${where} is '${value}', not an ISO 8601 date such as 2026-12-05; the release counts from when it was first seen`,
      );
      return null;
    }
    if (date.getTime() > now.getTime()) {
      this.warnOnce(
        `${where} is '${value}', in the future; the release counts from when it was first seen`,
      );
      return null;
    }
    return date;
  }

  /** Records every template's latest version as of `now`. */
  async update(now = new Date()): Promise<ReleaseObservation[]> {
    const latest: Array<{
      ref: string;
      version: string;
      releasedAt: Date | null;
    }> = [];
    for (const {
      ref,
      latestVersion,
      releasedAt,
    } of this.options.index.templates()) {
      if (latestVersion === null) continue;
      try {
        const where = `${ref}: annotation '${PAVED_ROAD_ANNOTATIONS.templateVersion}'`;
        latest.push({
          ref,
          version: parseVersion(latestVersion, where).version,
          releasedAt: this.releaseDate(ref, releasedAt, now),
        });
      } catch (error) {
        this.warnOnce(
          `${
            (error as Error).message
          }; the template's releases are not tracked until it is one`,
        );
      }
    }
    if (!latest.length) return [];
    const { store } = this.options;
    const observations = observeReleases(
      latest,
      await store.versionCounts(latest.map(t => t.ref)),
    );
    await store.track(observations, now);
    return observations;
  }
}
