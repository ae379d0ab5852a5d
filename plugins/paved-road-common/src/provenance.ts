import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { PAVED_ROAD_ANNOTATIONS } from './annotations';
import { parseVersion } from './versions';

/**
 * A guardrail knowingly skipped when the entity was scaffolded, and why.
 *
 * @public
 */
export interface EscapeHatch {
  /** The guardrail's name, e.g. `network-policy`. */
  guardrail: string;
  /** Why it was skipped. */
  reason: string;
}

/**
 * Where an entity came from: the golden-path template and version it was scaffolded
 * from, when, and which guardrails were skipped.
 *
 * @public
 */
export interface GoldenPathProvenance {
  /** The template's entity ref, e.g. `template:default/api-service`. */
  templateRef: string;
  /** The template version the entity was scaffolded from, when annotated. */
  templateVersion?: string;
  /** ISO 8601 timestamp of the run, when annotated. */
  scaffoldedAt?: string;
  /** The guardrails skipped; empty when none were. */
  escapeHatches: EscapeHatch[];
}

/**
 * Parses the escape-hatch annotation value, naming the entity and annotation on error.
 *
 * @public
 */
export function parseEscapeHatches(raw: string, where: string): EscapeHatch[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InputError(`${where} must be a JSON array, got '${raw}'`);
  }
  if (!Array.isArray(value)) {
    throw new InputError(
      `${where} must be a JSON array of { guardrail, reason }`,
    );
  }
  return value.map((item, index) => {
    if (
      typeof item !== 'object' ||
      item === null ||
      typeof item.guardrail !== 'string' ||
      !item.guardrail.trim() ||
      typeof item.reason !== 'string' ||
      !item.reason.trim()
    ) {
      throw new InputError(
        `${where}[${index}] must have a non-empty 'guardrail' and 'reason'`,
      );
    }
    return { guardrail: item.guardrail, reason: item.reason };
  });
}

/**
 * Reads golden-path provenance from an entity's annotations; `undefined` when the entity
 * was not scaffolded from a template. Malformed annotations raise an `InputError` that
 * names the entity and the annotation.
 *
 * @public
 */
export function readGoldenPathProvenance(
  entity: Entity,
): GoldenPathProvenance | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const source = annotations[PAVED_ROAD_ANNOTATIONS.sourceTemplate];
  if (!source) {
    return undefined;
  }
  const entityRef = stringifyEntityRef(entity);
  const where = (key: string) => `${entityRef}: annotation '${key}'`;
  let templateRef: string;
  try {
    templateRef = stringifyEntityRef(
      parseEntityRef(source, {
        defaultKind: 'template',
        defaultNamespace: 'default',
      }),
    );
  } catch (error) {
    throw new InputError(
      `${where(
        PAVED_ROAD_ANNOTATIONS.sourceTemplate,
      )} is not an entity ref: ${error}`,
    );
  }
  const version = annotations[PAVED_ROAD_ANNOTATIONS.templateVersion];
  const scaffoldedAt = annotations[PAVED_ROAD_ANNOTATIONS.scaffoldedAt];
  if (scaffoldedAt !== undefined && Number.isNaN(Date.parse(scaffoldedAt))) {
    throw new InputError(
      `${where(
        PAVED_ROAD_ANNOTATIONS.scaffoldedAt,
      )} must be an ISO 8601 timestamp, got '${scaffoldedAt}'`,
    );
  }
  const hatches = annotations[PAVED_ROAD_ANNOTATIONS.escapeHatches];
  return {
    templateRef,
    templateVersion:
      version === undefined
        ? undefined
        : parseVersion(version, where(PAVED_ROAD_ANNOTATIONS.templateVersion))
            .version,
    scaffoldedAt,
    escapeHatches: hatches
      ? parseEscapeHatches(hatches, where(PAVED_ROAD_ANNOTATIONS.escapeHatches))
      : [],
  };
}
