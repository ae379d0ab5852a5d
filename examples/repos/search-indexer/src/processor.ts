import { PermanentError, type MessageHandler, type ParsedMessage } from './handler';
import type { ProcessedMessageStore } from './idempotency';
import type { Logger } from './logger';
import type { Heartbeat, IncomingMessage, Transport } from './transport';

export type Outcome = 'processed' | 'duplicate' | 'dead_lettered';

/** Where the processor reports what happened; src/metrics.ts sends it to OpenTelemetry. */
export interface WorkerMetrics {
  recordOutcome(outcome: Outcome, durationMs: number): void;
  recordRetry(): void;
}

export const noopMetrics: WorkerMetrics = {
  recordOutcome: () => undefined,
  recordRetry: () => undefined,
};

export interface ProcessorOptions {
  handler: MessageHandler;
  store: ProcessedMessageStore;
  /** Only `send` is used: to publish to the dead-letter topic. */
  transport: Pick<Transport, 'send'>;
  dlqTopic: string;
  /** Retries after the first attempt; 0 dead-letters on the first failure. */
  maxRetries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  logger: Logger;
  metrics?: WorkerMetrics;
  /** Injected in tests to observe and skip the waits. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/**
 * Delay before retry number `retry` (0-based): exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so retries from many pods spread
 * out instead of hammering a recovering dependency together.
 */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** retry);
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export function messageId(message: IncomingMessage): string {
  return message.headers['ce-id'] ?? `${message.topic}/${message.partition}/${message.offset}`;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Idempotency, retries with backoff, dead-lettering: the part of a worker nobody should rewrite. */
export class MessageProcessor {
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly metrics: WorkerMetrics;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: ProcessorOptions) {
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.metrics = options.metrics ?? noopMetrics;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /**
   * Handles one message. Resolves when the message is done with (processed, skipped as a
   * duplicate, or dead-lettered), so its offset can be committed. Rejects only when the
   * dead-letter publish itself fails: then the offset must not be committed.
   */
  async process(message: IncomingMessage, heartbeat: Heartbeat = async () => undefined): Promise<Outcome> {
    const { store, logger, maxRetries } = this.options;
    const started = this.now();
    const id = messageId(message);
    const log = logger.child({ messageId: id, topic: message.topic, partition: message.partition, offset: message.offset });

    if (await store.has(id)) {
      log.info('duplicate message skipped');
      return this.finish('duplicate', started);
    }

    let parsed: ParsedMessage;
    try {
      parsed = { id, key: message.key, headers: message.headers, body: JSON.parse(message.value ?? '') as unknown };
    } catch {
      await this.deadLetter(message, new PermanentError('message value is not valid JSON'), 1, log);
      await store.markProcessed(id);
      return this.finish('dead_lettered', started);
    }

    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handler(parsed, { logger: log, attempt });
        await store.markProcessed(id);
        return this.finish('processed', started);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        const permanent = error instanceof PermanentError;
        if (permanent || attempt > maxRetries) {
          await this.deadLetter(message, error, attempt, log);
          await store.markProcessed(id);
          return this.finish('dead_lettered', started);
        }
        const delay = backoffDelay(attempt - 1, this.baseDelayMs, this.maxDelayMs, this.random);
        log.warn({ err: error, attempt, retryInMs: delay }, 'handler failed, will retry');
        this.metrics.recordRetry();
        await heartbeat();
        await this.sleep(delay);
        await heartbeat();
      }
    }
  }

  private async deadLetter(message: IncomingMessage, error: Error, attempts: number, log: Logger): Promise<void> {
    await this.options.transport.send(this.options.dlqTopic, {
      key: message.key,
      value: message.value,
      headers: {
        ...message.headers,
        'x-error': `${error.name}: ${error.message}`.slice(0, 1000),
        'x-attempts': String(attempts),
        'x-original-topic': message.topic,
        'x-original-partition': String(message.partition),
        'x-original-offset': message.offset,
        'x-dead-lettered-at': new Date(this.now()).toISOString(),
      },
    });
    log.error({ err: error, attempts, dlqTopic: this.options.dlqTopic }, 'message dead-lettered');
  }

  private finish(outcome: Outcome, started: number): Outcome {
    this.metrics.recordOutcome(outcome, this.now() - started);
    return outcome;
  }
}
