import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Campaign,
  CampaignEdit,
  CampaignFieldChange,
  CampaignInput,
} from '@paved-road/backstage-plugin-common';
import { Knex } from 'knex';
import { parseJson, UNIQUE_VIOLATION } from './tables';

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

/** Campaigns created through the API. @internal */
export const CAMPAIGNS = 'paved_road_campaigns';
/** The append-only log of edits to them. @internal */
export const CAMPAIGN_EDITS = 'paved_road_campaign_edits';

type CampaignRow = {
  id: string;
  definition: string;
  created_at: Date | string | number;
  created_by: string;
  updated_at: Date | string | number;
  updated_by: string;
};

type EditRow = {
  id: number | string;
  campaign_id: string;
  action: CampaignEdit['action'];
  at: Date | string | number;
  by: string;
  changes: string;
};

/** The fields of a campaign an edit compares, in the order they are listed. */
const FIELDS: ReadonlyArray<keyof CampaignInput> = [
  'id',
  'title',
  'description',
  'owner',
  'goal',
  'scope',
  'startsOn',
  'deadline',
];

const toIso = (value: Date | string | number) => new Date(value).toISOString();

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, v[k]]),
        )
      : v,
  );
}

/**
 * Per field that differs between `before` and `after`, both values; a missing side
 * (creation, deletion) is left out.
 *
 * @internal
 */
export function campaignChanges(
  before: CampaignInput | undefined,
  after: CampaignInput | undefined,
): CampaignEdit['changes'] {
  const changes: CampaignEdit['changes'] = {};
  for (const field of FIELDS) {
    const b = before?.[field];
    const a = after?.[field];
    if (canonical(b) === canonical(a)) continue;
    const change: CampaignFieldChange = {};
    if (before) change.before = b;
    if (after) change.after = a;
    changes[field] = change;
  }
  return changes;
}

/** The input fields of a campaign, without its provenance. */
function inputOf(campaign: CampaignInput): CampaignInput {
  const { id, title, description, owner, goal, scope, startsOn, deadline } =
    campaign;
  return { id, title, description, owner, goal, scope, startsOn, deadline };
}

function isUniqueViolation(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string };
  return code === UNIQUE_VIOLATION || /^SQLITE_CONSTRAINT/.test(code ?? '');
}

/**
 * Stores the campaigns created through the API (`paved_road_campaigns`) and the log of
 * every edit to them (`paved_road_campaign_edits`). Each create, update and delete
 * writes the campaign and its edit in one transaction; a delete keeps the edits. Ids
 * are unique: a second create of one id is a `ConflictError`, also when two race.
 *
 * @internal
 */
export class CampaignStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<CampaignStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new CampaignStore(client);
  }

  private constructor(private readonly db: Knex) {}

  /** Every stored campaign, by id. */
  async list(): Promise<Campaign[]> {
    const rows: CampaignRow[] = await this.db(CAMPAIGNS).orderBy('id');
    return rows.map(toCampaign);
  }

  /** One stored campaign, or undefined. */
  async get(id: string, trx: Knex = this.db): Promise<Campaign | undefined> {
    const row: CampaignRow | undefined = await trx(CAMPAIGNS)
      .where({ id })
      .first();
    return row ? toCampaign(row) : undefined;
  }

  /** Stores a new campaign created by `by`; a `ConflictError` if the id is taken. */
  async add(input: CampaignInput, by: string): Promise<Campaign> {
    const now = new Date();
    const campaign = inputOf(input);
    try {
      await this.db.transaction(async trx => {
        await trx(CAMPAIGNS).insert({
          id: campaign.id,
          definition: JSON.stringify(campaign),
          created_at: now,
          created_by: by,
          updated_at: now,
          updated_by: by,
        });
        await this.record(trx, campaign.id, 'created', now, by, {
          ...campaignChanges(undefined, campaign),
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `id: a campaign '${campaign.id}' already exists`,
        );
      }
      throw error;
    }
    return (await this.get(campaign.id))!;
  }

  /**
   * Replaces a stored campaign with `input` (same id), recording the fields that
   * changed; nothing is recorded when none did. A `NotFoundError` if there is none.
   */
  async replace(input: CampaignInput, by: string): Promise<Campaign> {
    const campaign = inputOf(input);
    return this.db.transaction(async trx => {
      const current = await this.get(campaign.id, trx);
      if (!current) {
        throw new NotFoundError(`No campaign ${campaign.id}`);
      }
      const changes = campaignChanges(inputOf(current), campaign);
      if (!Object.keys(changes).length) return current;
      const now = new Date();
      await trx(CAMPAIGNS)
        .where({ id: campaign.id })
        .update({
          definition: JSON.stringify(campaign),
          updated_at: now,
          updated_by: by,
        });
      await this.record(trx, campaign.id, 'updated', now, by, changes);
      return (await this.get(campaign.id, trx))!;
    });
  }

  /** Deletes a stored campaign, recording it; its edits stay. A `NotFoundError` if none. */
  async remove(id: string, by: string): Promise<void> {
    await this.db.transaction(async trx => {
      const current = await this.get(id, trx);
      if (!current) {
        throw new NotFoundError(`No campaign ${id}`);
      }
      await trx(CAMPAIGNS).where({ id }).delete();
      await this.record(
        trx,
        id,
        'deleted',
        new Date(),
        by,
        campaignChanges(inputOf(current), undefined),
      );
    });
  }

  /** A campaign's edits, newest first; also those of a deleted campaign. */
  async edits(id: string): Promise<CampaignEdit[]> {
    const rows: EditRow[] = await this.db(CAMPAIGN_EDITS)
      .where({ campaign_id: id })
      .orderBy('id', 'desc');
    return rows.map(row => ({
      campaignId: row.campaign_id,
      action: row.action,
      at: toIso(row.at),
      by: row.by,
      changes: parseJson(row.changes, {}),
    }));
  }

  private async record(
    trx: Knex.Transaction,
    campaignId: string,
    action: CampaignEdit['action'],
    at: Date,
    by: string,
    changes: CampaignEdit['changes'],
  ) {
    await trx(CAMPAIGN_EDITS).insert({
      campaign_id: campaignId,
      action,
      at,
      by,
      changes: JSON.stringify(changes),
    });
  }
}

function toCampaign(row: CampaignRow): Campaign {
  const input = parseJson<CampaignInput>(row.definition, {} as CampaignInput);
  return {
    ...inputOf({ ...input, id: row.id }),
    source: 'api',
    createdAt: toIso(row.created_at),
    createdBy: row.created_by,
    updatedAt: toIso(row.updated_at),
    updatedBy: row.updated_by,
  };
}
