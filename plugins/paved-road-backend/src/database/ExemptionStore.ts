import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Exemption,
  ExemptionEvent,
  ExemptionRequest,
  ExemptionStatus,
  ExemptionTarget,
} from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { chunks, ENTITIES, parseJson } from './tables';

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

/** Exemptions. @internal */
export const EXEMPTIONS = 'paved_road_exemptions';
/** Their audit log. @internal */
export const EXEMPTION_EVENTS = 'paved_road_exemption_events';

/** Who lapses exemptions in the audit log. */
const SYSTEM = 'paved-road';
const REF_CHUNK = 500;

type Row = {
  id: string;
  entity_ref: string;
  target_type: ExemptionTarget['type'];
  scorecard_id: string | null;
  check_id: string | null;
  campaign_id: string | null;
  reason: string;
  link: string | null;
  expires_on: string;
  status: ExemptionStatus;
  requested_by: string;
  requested_at: Date | string | number;
  decided_by: string | null;
  decided_at: Date | string | number | null;
  decision_note: string | null;
};

type EventRow = {
  exemption_id: string;
  entity_ref: string;
  action: ExemptionEvent['action'];
  at: Date | string | number;
  by: string;
  note: string | null;
};

const toIso = (value: Date | string | number) => new Date(value).toISOString();

function targetOf(row: Row): ExemptionTarget {
  if (row.target_type === 'campaign') {
    return { type: 'campaign', campaign: row.campaign_id! };
  }
  if (row.target_type === 'scorecard') {
    return { type: 'scorecard', scorecard: row.scorecard_id! };
  }
  return { type: 'check', scorecard: row.scorecard_id!, check: row.check_id! };
}

function toExemption(row: Row): Exemption {
  return {
    id: row.id,
    source: 'request',
    entityRef: row.entity_ref,
    target: targetOf(row),
    reason: row.reason,
    ...(row.link ? { link: row.link } : {}),
    expiresOn: row.expires_on,
    status: row.status,
    requestedBy: row.requested_by,
    requestedAt: toIso(row.requested_at),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at !== null ? { decidedAt: toIso(row.decided_at) } : {}),
    ...(row.decision_note ? { decisionNote: row.decision_note } : {}),
  };
}

/** The statuses a decision moves from and to. */
const DECISIONS = {
  approve: { from: 'pending', to: 'approved', action: 'approved' },
  reject: { from: 'pending', to: 'rejected', action: 'rejected' },
  revoke: { from: 'approved', to: 'revoked', action: 'revoked' },
} as const;

/** A decision on an exemption. @internal */
export type ExemptionDecision = keyof typeof DECISIONS;

/**
 * Stores exemptions and their audit log: a request, each decision and each lapse
 * changes the exemption's status and appends its event in one transaction, and the log
 * is never rewritten. A decision or lapse also clears the entity's stored etag, so the
 * next pass evaluates it again with the exemption in force or not.
 *
 * @internal
 */
export class ExemptionStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<ExemptionStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new ExemptionStore(client);
  }

  private constructor(readonly db: Knex) {}

  /** Records a request, pending a decision. */
  async request(
    input: ExemptionRequest,
    by: string,
    now: Date,
  ): Promise<Exemption> {
    const id = randomUUID();
    const { target } = input;
    await this.db.transaction(async tx => {
      await tx(EXEMPTIONS).insert({
        id,
        entity_ref: input.entityRef,
        target_type: target.type,
        scorecard_id:
          target.type === 'check' || target.type === 'scorecard'
            ? target.scorecard
            : null,
        check_id: target.type === 'check' ? target.check : null,
        campaign_id: target.type === 'campaign' ? target.campaign : null,
        reason: input.reason,
        link: input.link ?? null,
        expires_on: input.expiresOn,
        status: 'pending',
        requested_by: by,
        requested_at: now,
      });
      await this.append(tx, {
        exemption_id: id,
        entity_ref: input.entityRef,
        action: 'requested',
        at: now,
        by,
        note: input.reason,
      });
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Exemption | undefined> {
    const row: Row | undefined = await this.db(EXEMPTIONS)
      .where({ id })
      .first();
    return row ? toExemption(row) : undefined;
  }

  /**
   * Approves, rejects or revokes an exemption; refused (409) when its status does not
   * allow it (a decision already made, a revocation of one not in force).
   */
  async decide(
    id: string,
    decision: ExemptionDecision,
    by: string,
    note: string | undefined,
    now: Date,
  ): Promise<Exemption> {
    const { from, to, action } = DECISIONS[decision];
    await this.db.transaction(async tx => {
      const row: Row | undefined = await tx(EXEMPTIONS).where({ id }).first();
      if (!row) throw new NotFoundError(`No exemption ${id}`);
      const updated = await tx(EXEMPTIONS)
        .where({ id, status: from })
        .update({
          status: to,
          decided_by: by,
          decided_at: now,
          decision_note: note ?? null,
        });
      if (!updated) {
        throw new ConflictError(
          `Exemption ${id} is ${row.status}; only a ${from} exemption can be ${to}`,
        );
      }
      await this.append(tx, {
        exemption_id: id,
        entity_ref: row.entity_ref,
        action,
        at: now,
        by,
        note: note ?? null,
      });
      await this.reevaluate(tx, [row.entity_ref]);
    });
    return (await this.get(id))!;
  }

  /**
   * Ends the approved exemptions whose last day is before `today` (`YYYY-MM-DD`),
   * recording each lapse; answers them.
   */
  async lapse(today: string, now: Date): Promise<Exemption[]> {
    return this.db.transaction(async tx => {
      const rows: Row[] = await tx(EXEMPTIONS)
        .where({ status: 'approved' })
        .where('expires_on', '<', today);
      if (!rows.length) return [];
      for (const part of chunks(rows, REF_CHUNK)) {
        await tx(EXEMPTIONS)
          .whereIn(
            'id',
            part.map(r => r.id),
          )
          .where({ status: 'approved' })
          .update({ status: 'lapsed' });
        for (const row of part) {
          await this.append(tx, {
            exemption_id: row.id,
            entity_ref: row.entity_ref,
            action: 'lapsed',
            at: now,
            by: SYSTEM,
            note: `expired after ${row.expires_on}`,
          });
        }
      }
      await this.reevaluate(
        tx,
        rows.map(r => r.entity_ref),
      );
      return rows.map(r => toExemption({ ...r, status: 'lapsed' }));
    });
  }

  /** Exemptions, newest first, narrowed to an entity and/or statuses. */
  async list(
    query: { entityRef?: string; statuses?: ExemptionStatus[] } = {},
  ): Promise<Exemption[]> {
    const builder = this.db(EXEMPTIONS).orderBy([
      { column: 'requested_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    if (query.entityRef) builder.where('entity_ref', query.entityRef);
    if (query.statuses) builder.whereIn('status', query.statuses);
    return ((await builder) as Row[]).map(toExemption);
  }

  /** The approved exemptions of these entities, by entity ref. */
  async approvedFor(refs: string[]): Promise<Map<string, Exemption[]>> {
    const out = new Map<string, Exemption[]>();
    for (const part of chunks(refs, REF_CHUNK)) {
      const rows: Row[] = await this.db(EXEMPTIONS)
        .where({ status: 'approved' })
        .whereIn('entity_ref', part);
      for (const row of rows) {
        out.set(row.entity_ref, [
          ...(out.get(row.entity_ref) ?? []),
          toExemption(row),
        ]);
      }
    }
    return out;
  }

  /** An entity's owner as its last evaluation stored it. */
  async ownerOf(entityRef: string): Promise<string | undefined> {
    const row: { owner: string | null } | undefined = await this.db(ENTITIES)
      .select('owner')
      .where({ entity_ref: entityRef })
      .first();
    return row?.owner ?? undefined;
  }

  /** An entity's stored facts (of its last evaluation) and when it was evaluated. */
  async storedFacts(
    entityRef: string,
  ): Promise<{ facts: any; evaluatedAt: string } | undefined> {
    const row:
      | { facts: string | null; evaluated_at: Date | string }
      | undefined = await this.db(ENTITIES)
      .select('facts', 'evaluated_at')
      .where({ entity_ref: entityRef })
      .first();
    return row
      ? {
          facts: parseJson(row.facts, {}),
          evaluatedAt: toIso(row.evaluated_at),
        }
      : undefined;
  }

  /** The audit log of one entity or one exemption, oldest first. */
  async events(query: {
    entityRef?: string;
    exemptionId?: string;
  }): Promise<ExemptionEvent[]> {
    const builder = this.db(EXEMPTION_EVENTS).orderBy('id', 'asc');
    if (query.entityRef) builder.where('entity_ref', query.entityRef);
    if (query.exemptionId) builder.where('exemption_id', query.exemptionId);
    return ((await builder) as EventRow[]).map(row => ({
      exemptionId: row.exemption_id,
      entityRef: row.entity_ref,
      action: row.action,
      at: toIso(row.at),
      by: row.by,
      ...(row.note ? { note: row.note } : {}),
    }));
  }

  private async append(tx: Knex.Transaction, event: EventRow) {
    await tx(EXEMPTION_EVENTS).insert(event);
  }

  /** Makes the next pass evaluate these entities again, though unchanged in the catalog. */
  private async reevaluate(tx: Knex.Transaction, refs: string[]) {
    for (const part of chunks([...new Set(refs)], REF_CHUNK)) {
      await tx(ENTITIES).whereIn('entity_ref', part).update({ etag: null });
    }
  }
}
