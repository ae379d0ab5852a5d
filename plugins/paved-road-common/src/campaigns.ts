import { ScorecardPredicate, ScorecardPrimitive } from './scorecards';

/**
 * What a campaign asks of every entity in its scope:
 *
 * - `level`: reach `level` (or a higher one) of `scorecard`
 * - `checks`: pass every one of `checks` of `scorecard`
 * - `template-version`: be scaffolded from `template` at a version satisfying `range`
 *   (a semver range such as `>=2.0.0`)
 *
 * @public
 */
export type CampaignGoal =
  | {
      type: 'level';
      /** The id of a loaded scorecard. */
      scorecard: string;
      /** The id of one of that scorecard's levels. */
      level: string;
    }
  | {
      type: 'checks';
      /** The id of a loaded scorecard. */
      scorecard: string;
      /** Ids of that scorecard's checks, at least one, each once. */
      checks: string[];
    }
  | {
      type: 'template-version';
      /** The template's entity ref, e.g. `template:default/api-service`. */
      template: string;
      /** A semver range the entity's template version must satisfy, e.g. `>=2.0.0`. */
      range: string;
    };

/**
 * Which entities a campaign covers: the dashboard's filters, all of which must hold;
 * every entity when empty.
 *
 * @public
 */
export interface CampaignScope {
  /** A group ref: the entities it owns, and those of its subgroups. */
  owner?: string;
  /** A system ref: the entities of that system. */
  system?: string;
  /** An entity kind, e.g. `Component`. */
  kind?: string;
  /** A `spec.type`, e.g. `service`. */
  type?: string;
  /** A `spec.lifecycle`, e.g. `production`. */
  lifecycle?: string;
  /**
   * A filter predicate over the entity's facts, in the language of scorecards'
   * `appliesTo`, e.g. `{ "entity.spec.lifecycle": "production" }`.
   */
  filter?: Exclude<ScorecardPredicate, ScorecardPrimitive>;
}

/**
 * A campaign as it is created or replaced (`POST /campaigns`, `PUT /campaigns/{id}`)
 * or declared under `pavedRoad.campaigns`.
 *
 * @public
 */
export interface CampaignInput {
  /** Lower-case letters and digits separated by dashes, at most 63 characters. */
  id: string;
  /** The name shown. */
  title: string;
  /** What the campaign is for and how to get there, in Markdown. */
  description: string;
  /** The group that runs the campaign (a group entity ref), usually the platform team. */
  owner: string;
  /** What every entity in scope should reach. */
  goal: CampaignGoal;
  /** Which entities the campaign covers; every entity when empty. */
  scope: CampaignScope;
  /** The first day of the campaign, `YYYY-MM-DD`. */
  startsOn: string;
  /** The day by which the goal should be met, `YYYY-MM-DD`, not before `startsOn`. */
  deadline: string;
}

/**
 * Where a campaign comes from: the HTTP API (editable there), or configuration
 * (`pavedRoad.campaigns`; read-only in the API and the UI).
 *
 * @public
 */
export type CampaignSource = 'api' | 'config';

/**
 * A stored or configured campaign (`GET /campaigns`).
 *
 * @public
 */
export interface Campaign extends CampaignInput {
  /** Where the campaign comes from. */
  source: CampaignSource;
  /**
   * For a campaign from configuration, the config key it is declared at, e.g.
   * `pavedRoad.campaigns[0]`.
   */
  declaredAt?: string;
  /**
   * For a campaign declared in a scorecard file (`pavedRoad.scorecardFiles`), that file;
   * `declaredAt` is then its key in the file, e.g. `campaigns[0]`. Absent for app-config.
   */
  declaredIn?: string;
  /** When it was created (RFC 3339); for a configured campaign, when the backend read it. */
  createdAt: string;
  /** Who created it: a user entity ref or a service's subject; `config` for configured ones. */
  createdBy: string;
  /** When it was last changed (RFC 3339). */
  updatedAt: string;
  /** Who last changed it, as `createdBy`. */
  updatedBy: string;
}

/**
 * One field's value before and after an edit; `before` is absent for a created
 * campaign, `after` for a deleted one.
 *
 * @public
 */
export interface CampaignFieldChange {
  /** The value before the edit; absent when the campaign was created. */
  before?: unknown;
  /** The value after the edit; absent when the campaign was deleted. */
  after?: unknown;
}

/**
 * One entry of a campaign's edit log (`GET /campaigns/{id}/edits`): who changed what,
 * when. Entries are kept after the campaign is deleted.
 *
 * @public
 */
export interface CampaignEdit {
  /** The id of the campaign edited. */
  campaignId: string;
  /** What was done. */
  action: 'created' | 'updated' | 'deleted';
  /** When (RFC 3339). */
  at: string;
  /** Who: a user entity ref or a service's subject. */
  by: string;
  /** Per changed field of {@link CampaignInput}, its value before and after. */
  changes: Partial<Record<keyof CampaignInput, CampaignFieldChange>>;
}
