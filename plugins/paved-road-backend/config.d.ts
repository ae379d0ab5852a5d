import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Paved Road plugin bundle. */
  pavedRoad?: {
    /**
     * Whether the shipped scorecards (golden-path-adoption, production-readiness,
     * documentation-first, platform-asset) are loaded. Defaults to true.
     * @visibility backend
     */
    defaultScorecards?: boolean;

    /**
     * Scorecards defined inline. Rules and `appliesTo` use Backstage's filter-predicate
     * syntax over fact paths (`entity.*`, `provenance.*`, ...), extended with `$gt`,
     * `$gte`, `$lt`, `$lte`, `$semverGt`, `$semverGte`, `$semverLt`, `$semverLte`,
     * `$semverSatisfies` and `$matches`. Invalid definitions stop the backend at start-up
     * with an error naming the key. In app-config, write `$${` for a literal `${`.
     * @visibility backend
     */
    scorecards?: Array<{
      /** Lower-case letters and digits separated by dashes; unique. */
      id: string;
      title: string;
      description: string;
      /** Which entities the scorecard applies to; all when omitted. */
      appliesTo?: { [key: string]: unknown };
      /** Ordered, lowest first. */
      levels: Array<{ id: string; title: string }>;
      checks: Array<{
        id: string;
        title: string;
        description: string;
        /** The id of one of the scorecard's levels. */
        level: string;
        rule: { [key: string]: unknown };
        remediation: {
          /** What a product engineer does to pass, as markdown. */
          markdown: string;
          /** An http(s) URL, or a path in the Backstage app such as `/create`. */
          link?: string;
        };
        /** A guardrail name whose recorded escape hatch exempts the entity. */
        exemptionGuardrail?: string;
      }>;
    }>;

    /**
     * YAML files with scorecards, each holding one scorecard or a list of them.
     * Relative paths are resolved against the backend's working directory.
     * @visibility backend
     */
    scorecardFiles?: string[];

    /**
     * How often scorecards are evaluated (one replica evaluates; scope global).
     * Defaults to every 5 minutes with a 30-minute timeout.
     * @visibility backend
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;

    /**
     * How old an entity's results may get before the scheduled pass evaluates it again
     * though it is unchanged in the catalog (repository files, and facts of module
     * sources, change without the entity changing). A duration object such as
     * `{ hours: 24 }` or an ISO 8601 duration such as `P1D`. Defaults to 24 hours.
     * @visibility backend
     */
    reevaluateAfter?: HumanDuration | string;

    /** Daily snapshots of entity and aggregate results. */
    history?: {
      /**
       * Days of snapshots kept; older ones are pruned by the scheduled evaluation.
       * Defaults to 90.
       * @visibility backend
       */
      retentionDays?: number;
    };

    /** Facts pushed by CI pipelines to `POST /api/paved-road/facts`. */
    facts?: {
      /**
       * Largest accepted `facts` object, in bytes of JSON. Defaults to 32768.
       * @visibility backend
       */
      maxBytes?: number;
    };
  };
}
