/**
 * Remembers which messages were handled, so a redelivered message is skipped.
 *
 * Kafka delivers at least once: after a rebalance or a crash, messages whose offsets were
 * not committed yet come again. Implement this interface on your database (a table with
 * the id as primary key, written in the same transaction as the handler's side effects)
 * when a duplicate must never get through; the in-memory store below is per pod.
 */
export interface ProcessedMessageStore {
  has(id: string): Promise<boolean>;
  markProcessed(id: string): Promise<void>;
}

/** Bounded in-memory store: forgets the oldest ids beyond `maxEntries`. */
export class InMemoryProcessedMessageStore implements ProcessedMessageStore {
  private readonly ids = new Set<string>();

  constructor(private readonly maxEntries = 100_000) {
    if (maxEntries < 1) throw new Error('maxEntries must be at least 1');
  }

  async has(id: string): Promise<boolean> {
    return this.ids.has(id);
  }

  async markProcessed(id: string): Promise<void> {
    this.ids.delete(id);
    this.ids.add(id);
    while (this.ids.size > this.maxEntries) {
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
