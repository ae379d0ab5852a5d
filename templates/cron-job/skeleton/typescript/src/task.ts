import type { Task } from './runner';

/**
 * YOUR CODE GOES HERE: one run of ${{ values.name }}.
 *
 * The example works through items from a WorkSource in batches: replace the source with
 * your real one (a database query, an API) and handleItem with the work per item. Keep a
 * run idempotent and resumable: it can be retried, stopped at its deadline, or skipped,
 * so mark items done as you go and let the next run pick up what is left.
 */

export interface WorkItem {
  id: string;
  payload: Record<string, unknown>;
}

export interface WorkSource {
  /** Up to `limit` items that still need work, excluding ones that failed in this run. */
  nextBatch(limit: number): Promise<WorkItem[]>;
  markDone(id: string): Promise<void>;
  markFailed(id: string, reason: string): Promise<void>;
}

/** In-memory source: local runs and tests. */
export class InMemoryWorkSource implements WorkSource {
  readonly done = new Set<string>();
  readonly failed = new Map<string, string>();

  constructor(private readonly items: WorkItem[]) {}

  async nextBatch(limit: number): Promise<WorkItem[]> {
    return this.items.filter((i) => !this.done.has(i.id) && !this.failed.has(i.id)).slice(0, limit);
  }

  async markDone(id: string): Promise<void> {
    this.done.add(id);
  }

  async markFailed(id: string, reason: string): Promise<void> {
    this.failed.set(id, reason);
  }
}

/**
 * The work for one item. Throw to mark the item failed; the run continues with the rest.
 * Pass `signal` on to whatever waits (`fetch(url, { signal })`, a query's cancel): the run
 * is abandoned JOB_STOP_TIMEOUT_SECONDS after SIGTERM, finished or not.
 */
export async function handleItem(item: WorkItem, _signal?: AbortSignal): Promise<void> {
  if (typeof item.payload.amount !== 'number' || item.payload.amount < 0) {
    throw new Error(`item ${item.id}: amount must be a non-negative number`);
  }
}

export function createTask(source: WorkSource, batchSize = 100): Task {
  return async ({ signal, logger }) => {
    let processed = 0;
    let failed = 0;
    while (!signal.aborted) {
      const batch = await source.nextBatch(batchSize);
      if (batch.length === 0) return { processed, failed, complete: true };
      for (const item of batch) {
        if (signal.aborted) break;
        try {
          await handleItem(item, signal);
          await source.markDone(item.id);
          processed++;
        } catch (err) {
          failed++;
          const reason = err instanceof Error ? err.message : String(err);
          await source.markFailed(item.id, reason);
          logger.warn({ itemId: item.id, reason }, 'item failed');
        }
      }
      logger.debug({ processed, failed }, 'batch finished');
    }
    return { processed, failed, complete: false };
  };
}

/** Example data for local runs. Replace with your real source. */
export function exampleSource(): WorkSource {
  return new InMemoryWorkSource(
    Array.from({ length: 5 }, (_, i) => ({ id: `example-${i + 1}`, payload: { amount: (i + 1) * 10 } })),
  );
}
