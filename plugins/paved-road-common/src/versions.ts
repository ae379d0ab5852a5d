import { InputError } from '@backstage/errors';
import semver from 'semver';

/**
 * How far the template version an entity uses is behind the template's latest version.
 *
 * - `current`: same version
 * - `patch`: same major and minor, older patch
 * - `minor`: same major, older minor
 * - `major`: older major
 * - `ahead`: newer than the template's latest (a rollback of the template)
 *
 * @public
 */
export type TemplateDriftStatus =
  | 'current'
  | 'patch'
  | 'minor'
  | 'major'
  | 'ahead';

/**
 * How the template version an entity uses compares with the template's latest version.
 *
 * @public
 */
export interface TemplateDrift {
  /** How far behind (or ahead) the version in use is. */
  status: TemplateDriftStatus;
  /** The version in use, normalised (no leading `v`). */
  inUse: string;
  /** The template's latest version, normalised. */
  latest: string;
  /** Major versions behind (0 when on the latest major). */
  majorsBehind: number;
  /** Minor versions behind within the latest major; 0 when majors differ. */
  minorsBehind: number;
}

/**
 * Parses a semantic version, accepting a leading `v`, and names the field on failure.
 *
 * @public
 */
export function parseVersion(value: string, where = 'version'): semver.SemVer {
  const parsed = semver.parse(String(value).trim().replace(/^v/, ''));
  if (!parsed) {
    throw new InputError(
      `${where} must be a semantic version such as 2.3.0, got '${value}'`,
    );
  }
  return parsed;
}

/**
 * Compares the version an entity was scaffolded from with the template's latest, as
 * semantic versions (so 1.10.0 is newer than 1.9.0, unlike a string comparison).
 *
 * @public
 */
export function templateDrift(inUse: string, latest: string): TemplateDrift {
  const used = parseVersion(inUse, 'template version in use');
  const newest = parseVersion(latest, 'latest template version');
  const order = semver.compare(used, newest);
  const base = { inUse: used.version, latest: newest.version };
  if (order === 0) {
    return { ...base, status: 'current', majorsBehind: 0, minorsBehind: 0 };
  }
  if (order > 0) {
    return { ...base, status: 'ahead', majorsBehind: 0, minorsBehind: 0 };
  }
  if (used.major < newest.major) {
    return {
      ...base,
      status: 'major',
      majorsBehind: newest.major - used.major,
      minorsBehind: 0,
    };
  }
  if (used.minor < newest.minor) {
    return {
      ...base,
      status: 'minor',
      majorsBehind: 0,
      minorsBehind: newest.minor - used.minor,
    };
  }
  return { ...base, status: 'patch', majorsBehind: 0, minorsBehind: 0 };
}
