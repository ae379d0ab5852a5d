import { Entity } from '@backstage/catalog-model';
import { PAVED_ROAD_ANNOTATIONS } from '@paved-road/backstage-plugin-common';

/** Component types the shipped workload scorecards apply to. */
const SCORED_COMPONENT_TYPES = ['service', 'worker', 'cron-job', 'website'];

/**
 * Whether a Paved Road scorecard applies to the entity, mirroring the shipped
 * scorecards' `appliesTo`: Components of type service, worker, cron-job or website,
 * and platform tools (annotated `paved-road.io/platform-tool: "true"`).
 *
 * Use it to show the scorecard card and tab only where they have something to say.
 *
 * @public
 */
export function isPavedRoadScorecardAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  if (
    annotations[PAVED_ROAD_ANNOTATIONS.platformTool]?.toLocaleLowerCase(
      'en-US',
    ) === 'true'
  ) {
    return true;
  }
  const type = (entity.spec as { type?: unknown } | undefined)?.type;
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    typeof type === 'string' &&
    SCORED_COMPONENT_TYPES.includes(type.toLocaleLowerCase('en-US'))
  );
}
