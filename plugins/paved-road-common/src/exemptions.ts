/**
 * What an exemption exempts an entity from: one check of a scorecard, every check of a
 * scorecard, or a campaign's goal; or, for an escape hatch recorded at scaffold time,
 * the checks of a guardrail.
 *
 * @public
 */
export type ExemptionTarget =
  | {
      type: 'check';
      /** The id of a loaded scorecard. */
      scorecard: string;
      /** The id of one of its checks. */
      check: string;
    }
  | {
      type: 'scorecard';
      /** The id of a loaded scorecard. */
      scorecard: string;
    }
  | {
      type: 'campaign';
      /** The id of a campaign. */
      campaign: string;
    }
  | {
      type: 'guardrail';
      /**
       * A guardrail skipped at scaffold time (an escape hatch, listed only): exempts the
       * checks with this `exemptionGuardrail`.
       */
      guardrail: string;
    };

/**
 * Where an exemption stands:
 *
 * - `pending`: requested, waiting for a decision
 * - `approved`: in force until `expiresOn`
 * - `rejected`: refused
 * - `revoked`: withdrawn after approval
 * - `lapsed`: expired; the first pass after `expiresOn` ends it
 *
 * @public
 */
export type ExemptionStatus =
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'revoked'
  | 'lapsed';

/**
 * A request for an exemption (`POST /exemptions`).
 *
 * @public
 */
export interface ExemptionRequest {
  /** The entity exempted. */
  entityRef: string;
  /** What it is exempted from (a request names a check, a scorecard or a campaign). */
  target: ExemptionTarget;
  /** Why: required, shown wherever the exemption is. */
  reason: string;
  /** A ticket or document, an http(s) URL. */
  link?: string;
  /**
   * The last day it holds, `YYYY-MM-DD`: after today and at most
   * `pavedRoad.exemptions.maxDays` (90 by default) away.
   */
  expiresOn: string;
}

/**
 * An exemption as stored (`GET /exemptions`), or an escape hatch recorded at scaffold
 * time (`source: escape-hatch`), listed beside them.
 *
 * @public
 */
export interface Exemption extends ExemptionRequest {
  /** Its id; for an escape hatch, `escape-hatch:<guardrail>`. */
  id: string;
  /** A request through the API, or an escape hatch recorded when the entity was made. */
  source: 'request' | 'escape-hatch';
  /** Where it stands; an escape hatch is `approved` for as long as it is recorded. */
  status: ExemptionStatus;
  /** Who asked: a user entity ref; for an escape hatch, `scaffolder`. */
  requestedBy: string;
  /** When (RFC 3339). */
  requestedAt: string;
  /** Who approved, rejected or revoked it. */
  decidedBy?: string;
  /** When (RFC 3339). */
  decidedAt?: string;
  /** What the approver said. */
  decisionNote?: string;
}

/**
 * One entry of the exemptions' audit log (`GET /exemption-events`): never rewritten.
 *
 * @public
 */
export interface ExemptionEvent {
  /** The exemption's id. */
  exemptionId: string;
  /** The entity exempted. */
  entityRef: string;
  /** What happened. */
  action: 'requested' | 'approved' | 'rejected' | 'revoked' | 'lapsed';
  /** When (RFC 3339). */
  at: string;
  /** Who: a user entity ref, or `paved-road` for a lapse. */
  by: string;
  /** The reason of a request, or the note of a decision. */
  note?: string;
}
