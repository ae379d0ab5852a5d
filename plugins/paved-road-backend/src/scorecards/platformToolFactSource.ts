import {
  Entity,
  RELATION_DEPENDENCY_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  PAVED_ROAD_ANNOTATIONS,
  PlatformToolFacts,
} from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';

const isPlatformTool = (entity: Entity) =>
  entity.metadata.annotations?.[PAVED_ROAD_ANNOTATIONS.platformTool] === 'true';

function readWrapperTest(entity: Entity): Record<string, unknown> | undefined {
  const raw = entity.metadata.annotations?.[PAVED_ROAD_ANNOTATIONS.wrapperTest];
  if (raw === undefined) return undefined;
  const where = `${stringifyEntityRef(entity)}: annotation '${
    PAVED_ROAD_ANNOTATIONS.wrapperTest
  }'`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InputError(`${where} must be a JSON object, got '${raw}'`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${where} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

const numberOrNull = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * The `platformTool` fact source, for entities annotated `paved-road.io/platform-tool:
 * "true"`: the declared wrapper-test answers next to the consumers the catalog measures
 * (its `dependencyOf` relations, which the catalog adds for every `dependsOn`). A
 * malformed wrapper-test annotation fails the source, so its checks become `unknown`.
 *
 * @internal
 */
export const platformToolFactSource: PavedRoadFactSource = {
  id: 'platformTool',
  description:
    'Declared wrapper-test answers of a platform tool, its measured consumers and its deprecation policy',
  appliesTo: isPlatformTool,
  async collect({
    entity,
  }): Promise<PlatformToolFacts & Record<string, unknown>> {
    const answers = readWrapperTest(entity);
    const hours = numberOrNull(answers?.hoursSavedPerService);
    const errors = answers?.errorsPrevented;
    const benefit = answers?.operationalBenefit;
    const consumers = new Set(
      (entity.relations ?? [])
        .filter(r => r.type === RELATION_DEPENDENCY_OF)
        .map(r => r.targetRef),
    ).size;
    const policy =
      entity.metadata.annotations?.[PAVED_ROAD_ANNOTATIONS.deprecationPolicy];
    return {
      declared: answers !== undefined,
      hoursSavedPerService: hours,
      stepsRemoved: numberOrNull(answers?.stepsRemoved),
      errorsPrevented: Array.isArray(errors)
        ? errors.filter(e => typeof e === 'string' && e.trim()).length
        : 0,
      operationalBenefit:
        typeof benefit === 'string' && benefit.trim() ? benefit : null,
      consumers,
      measuredHoursSaved: hours === null ? null : hours * consumers,
      hasDeprecationPolicy: Boolean(policy?.trim()),
      // No annotation carries a tool's release version yet; the repository source (its
      // package manifest) or facts pushed by the release pipeline will.
      version: null,
      semver: null,
    };
  },
};
