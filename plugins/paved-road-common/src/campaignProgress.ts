/**
 * Where an entity in a campaign's scope stands:
 *
 * - `done`: it meets the goal
 * - `exempt`: it meets the goal only thanks to exemptions (an escape hatch recorded at
 *   scaffold time, or an approved exemption); counts as done
 * - `todo`: it does not meet the goal yet; after the deadline, it is overdue
 *
 * @public
 */
export type CampaignEntityState = 'done' | 'exempt' | 'todo';

/**
 * Entities of a campaign's scope counted by state.
 *
 * @public
 */
export interface CampaignCounts {
  /** Entities in scope. */
  entities: number;
  /** Those meeting the goal. */
  done: number;
  /** Those meeting it thanks to exemptions. */
  exempt: number;
  /** Those not meeting it yet. */
  todo: number;
}

/**
 * A team's part of a campaign: the entities it owns, over the group tree (a group
 * counts its subgroups' entities too).
 *
 * @public
 */
export interface CampaignTeamProgress extends CampaignCounts {
  /** The owner's entity ref: a group, or a user owning entities directly. */
  ref: string;
  /** The group above it in the tree, when that group has entities in scope too. */
  parent?: string;
  /** The entities the owner owns itself, without its subgroups'. */
  direct: CampaignCounts;
}

/**
 * A campaign's progress on one day: the last pass of that day.
 *
 * @public
 */
export interface CampaignDay extends CampaignCounts {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
}

/**
 * A campaign's progress (`GET /campaigns/{id}/progress`), as the last evaluation pass
 * computed it from the stored results.
 *
 * @public
 */
export interface CampaignProgress extends CampaignCounts {
  /** The campaign's id. */
  campaignId: string;
  /** When a pass last computed it (RFC 3339); null before the first. */
  computedAt: string | null;
  /** The share of entities done or exempt, 0 to 1; 1 when the scope is empty. */
  complete: number;
  /** Whole days from today (UTC) to the deadline; negative once it has passed. */
  daysLeft: number;
  /** Entities still to do after the deadline; 0 until it has passed. */
  overdue: number;
  /** Entities done once that are to do again. */
  regressed: number;
  /**
   * The median number of days entities took to complete, counted from the later of
   * the campaign's start and the day the entity joined its scope; null before any did.
   */
  medianDaysToComplete: number | null;
  /** Per owner over the group tree, the teams with most to do first. */
  teams: CampaignTeamProgress[];
  /** One entry per day with a snapshot, oldest first: the burn-up chart. */
  days: CampaignDay[];
  /** For a template-version goal: the upgrade requests it has led to, and the bulk upgrade. */
  upgrades?: CampaignUpgrades;
}

/**
 * The template upgrades of a campaign whose goal is a template version: the latest
 * upgrade request of each entity in scope to a version satisfying the range, made since
 * the campaign started, by status (`merged` once the entity is on such a version), and
 * what the bulk upgrade (the `upgrade-services` template) takes to cover the scope.
 *
 * @public
 */
export interface CampaignUpgrades {
  /** Upgrade requests counted. */
  requests: number;
  /** Pull requests (or branches) open. */
  open: number;
  /** Merged: the entity is on a version satisfying the range. */
  merged: number;
  /** Opened with conflicts to resolve, not merged yet. */
  conflicted: number;
  /** Failed upgrades, with their reason in the upgrade runs. */
  failed: number;
  /** The bulk upgrade's inputs for the campaign's scope. */
  bulk: {
    /** The golden path to upgrade. */
    templateRef: string;
    /** The scope's owner, when it has one. */
    owner?: string;
    /** The scope's system, when it has one. */
    system?: string;
    /**
     * Whether the campaign's scope is narrower than what the bulk upgrade can select
     * (kind, type, lifecycle or a filter): it then upgrades more services than the
     * campaign covers.
     */
    broader: boolean;
  };
}

/**
 * A check an entity still has to pass for a campaign, with what to change.
 *
 * @public
 */
export interface CampaignTodo {
  /** The check's id; absent for a template-version goal. */
  checkId?: string;
  /** What is asked, e.g. the check's title. */
  title: string;
  /** What to change, in Markdown, and optionally a link. */
  remediation: { markdown: string; link?: string };
}

/**
 * One entity of a campaign's scope (`GET /campaigns/{id}/entities`).
 *
 * @public
 */
export interface CampaignEntity {
  /** The entity's ref. */
  entityRef: string;
  /** Its owner's ref, when it has one. */
  owner: string | null;
  /** Where it stands. */
  state: CampaignEntityState;
  /** When a pass first saw it in scope (RFC 3339). */
  joinedAt: string;
  /** When it last became done or exempt; null while to do. */
  completedAt: string | null;
  /** Days from the later of the campaign's start and `joinedAt` to its first completion. */
  daysToComplete: number | null;
  /** How often it went from done back to to do. */
  regressions: number;
  /** Whether it is still to do after the deadline. */
  overdue: boolean;
  /** For an entity to do, what it still fails; empty otherwise. */
  todo: CampaignTodo[];
}
