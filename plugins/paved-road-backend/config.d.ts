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
     * YAML files with scorecards, each holding one scorecard, a list of them, or the
     * sections `scorecards` (a list) and `campaigns` (a list, as `campaigns` below).
     * Relative paths are resolved against the backend's working directory.
     * @visibility backend
     */
    scorecardFiles?: string[];

    /**
     * Notifications through Backstage's notifications service, each sent once (across
     * restarts and replicas): every kind is on unless turned off.
     */
    notifications?: {
      /**
       * Turns every kind off when false.
       * @visibility backend
       */
      enabled?: boolean;
      /**
       * How often the sender runs (a duration, default one hour).
       * @visibility backend
       */
      frequency?: HumanDuration | string;
      /**
       * To the owners of entities to do, in the first week of a campaign.
       * @visibility backend
       */
      campaignStarted?: boolean;
      /**
       * One notification a week per owner listing their open items across campaigns.
       * @visibility backend
       */
      weeklyDigest?: boolean;
      /**
       * The digest's weekday, 1 (Monday) to 7 (Sunday), UTC. Default 1.
       * @visibility backend
       */
      digestWeekday?: number;
      /**
       * To owners with entities to do, before a deadline.
       * @visibility backend
       */
      reminders?: boolean;
      /**
       * How many days before a deadline reminders go. Default [14, 3].
       * @visibility backend
       */
      reminderDays?: number[];
      /**
       * To owners with entities to do, when a deadline has passed.
       * @visibility backend
       */
      deadlinePassed?: boolean;
      /**
       * To `approvers` on a request, and to the requester on a decision.
       * @visibility backend
       */
      exemptionDecisions?: boolean;
      /**
       * To the owners and requester before an exemption lapses.
       * @visibility backend
       */
      exemptionLapsing?: boolean;
      /**
       * How many days before its last day an exemption's lapse is announced. Default 7.
       * @visibility backend
       */
      lapseWarningDays?: number;
      /**
       * Who is told of new exemption requests: entity refs (a group, e.g. the platform
       * team, or users).
       * @visibility backend
       */
      approvers?: string[];
    };

    /** Exemptions requested by owners and decided by holders of paved-road.exemptions.approve. */
    exemptions?: {
      /**
       * The longest an exemption may be requested for, in days from the request (1 to
       * 365). Default 90.
       * @visibility backend
       */
      maxDays?: number;
    };

    /**
     * Campaigns kept as code: read-only in the API and the UI, which say where they are
     * declared. Each is validated at start-up against the loaded scorecards; an invalid
     * one stops the backend with an error naming its key, e.g.
     * `pavedRoad.campaigns[1].deadline`. Ids are unique, and campaigns created through
     * the API may not take them.
     * @visibility backend
     */
    campaigns?: Array<{
      /** Lower-case letters and digits separated by dashes, at most 63 characters. */
      id: string;
      /** The name shown. */
      title: string;
      /** What the campaign is for and how to get there, in Markdown. */
      description: string;
      /** The group that runs the campaign, a group entity ref (kind defaults to group). */
      owner: string;
      /**
       * What every entity in scope should reach: a level of a scorecard
       * (`{ type: level, scorecard, level }`), a set of its checks
       * (`{ type: checks, scorecard, checks }`), or a template version in a semver range
       * (`{ type: template-version, template, range }`).
       */
      goal: {
        type: 'level' | 'checks' | 'template-version';
        scorecard?: string;
        level?: string;
        checks?: string[];
        template?: string;
        range?: string;
      };
      /**
       * Which entities it covers, with the dashboard's filters (all must hold): `owner`
       * (a group, with its subgroups), `system`, `kind`, `type`, `lifecycle`, and
       * `filter`, a predicate over facts as in scorecards' `appliesTo`. Every entity when
       * omitted.
       */
      scope?: {
        owner?: string;
        system?: string;
        kind?: string;
        type?: string;
        lifecycle?: string;
        filter?: { [path: string]: any };
      };
      /** The first day, `YYYY-MM-DD`. */
      startsOn: string;
      /** The day the goal should be met by, `YYYY-MM-DD`, not before `startsOn`. */
      deadline: string;
    }>;

    /**
     * How often scorecards are evaluated (one replica evaluates; scope global).
     * Defaults to every 5 minutes with a 5-minute timeout. The timeout is how long the
     * task's lock outlives a replica killed during a pass; a pass that runs longer is
     * not stopped, but another replica may start one beside it. Keep it at 5 times your
     * longest pass (logged as `Paved Road full evaluation: ... in N ms`) or more.
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

    /** How evaluation catches up with a catalog that is still starting. */
    startup?: {
      /**
       * When a scheduled pass right after start-up finds the catalog empty (it has not
       * processed its locations yet) or cannot read it, the pass runs again after this
       * long, then half as long again after each such pass, up to a minute; once the
       * catalog answers, passes keep following at that pace while each finds entities
       * never evaluated before, and at least three minutes after start-up, until one
       * finds none (or ten minutes after start-up); then `schedule` takes over. A duration
       * object such as `{ seconds: 10 }` or an ISO 8601 duration such as `PT10S`;
       * must be longer than zero. Defaults to 10 seconds.
       * @visibility backend
       */
      retryAfter?: HumanDuration | string;
    };

    /**
     * Entities created from a golden path: a scaffold event
     * (`POST /api/paved-road/scaffold-events`, sent by `paved-road:adoption:record`)
     * makes the backend wait for the new entity in the catalog and evaluate it as soon
     * as it is there, instead of at the next scheduled pass.
     */
    scaffoldedEntities?: {
      /**
       * How often the catalog is asked for the new entity. A duration object or ISO
       * 8601 duration, longer than zero and not longer than `timeout`. Defaults to 5
       * seconds.
       * @visibility backend
       */
      pollInterval?: HumanDuration | string;
      /**
       * How long after its scaffold event the new entity is waited for; after that the
       * scheduled pass evaluates it once the catalog has it. A duration object or ISO
       * 8601 duration, longer than zero. Defaults to 5 minutes.
       * @visibility backend
       */
      timeout?: HumanDuration | string;
    };

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
       * Largest accepted `facts` object, in bytes of JSON. Defaults to 32768. A larger
       * one is refused with a 400 naming `facts`; the request body as a whole may be
       * up to this plus as much again (at least 32 KiB more) before the body parser
       * answers 413.
       * @visibility backend
       */
      maxBytes?: number;
    };

    /** `POST /api/paved-road/scorecards/preview`. */
    preview?: {
      /**
       * How long one preview may evaluate rules over the stored facts before it stops
       * with a 400 saying so. A duration object such as `{ seconds: 10 }` or an ISO 8601
       * duration such as `PT10S`. Defaults to 10 seconds.
       * @visibility backend
       */
      budget?: HumanDuration | string;
    };
  };
}
