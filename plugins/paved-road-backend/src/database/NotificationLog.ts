import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'migrations',
);

/** Notifications sent, by key. @internal */
export const NOTIFICATIONS_SENT = 'paved_road_notifications_sent';

/**
 * The log of sent notifications: {@link NotificationLog.claim} inserts a key once, so of
 * any number of senders (replicas, restarts) exactly one gets to send it. A send that
 * fails after its claim is not retried: a missed notification rather than a duplicate.
 *
 * @internal
 */
export class NotificationLog {
  static async create(options: {
    database: DatabaseService;
  }): Promise<NotificationLog> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new NotificationLog(client);
  }

  private constructor(private readonly db: Knex) {}

  /** Whether this caller claimed `key` (true) or another already had (false). */
  async claim(
    key: string,
    kind: string,
    recipients: string[],
    now: Date,
  ): Promise<boolean> {
    const inserted = await this.db(NOTIFICATIONS_SENT)
      .insert({
        key,
        kind,
        recipients: JSON.stringify(recipients),
        sent_at: now,
      })
      .onConflict('key')
      .ignore()
      .returning('key');
    return Array.isArray(inserted) && inserted.length > 0;
  }
}
