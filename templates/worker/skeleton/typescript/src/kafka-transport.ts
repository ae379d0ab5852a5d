import { Kafka, logLevel, type Consumer, type KafkaConfig, type LogEntry, type Producer, type RetryOptions } from 'kafkajs';
import type { Config } from './config';
import type { Liveness } from './health';
import type { Logger } from './logger';
import { backoffDelay } from './processor';
import type { IncomingMessage, MessageCallback, OutgoingMessage, Transport } from './transport';

function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? String(v[v.length - 1]) : String(v);
  }
  return out;
}

/**
 * Errors that restarting the consumer cannot fix: the worker exits non-zero and Kubernetes
 * restarts the pod, which shows (CrashLoopBackOff, WorkerRestartingOften) and picks up
 * fixed ACLs or a rotated `-kafka` secret. Everything else a broker restart or a
 * rebalance causes (connection errors, NOT_COORDINATOR, LEADER_NOT_AVAILABLE,
 * REBALANCE_IN_PROGRESS, request timeouts, retries exhausted...) restarts the consumer.
 */
const FATAL_ERROR_TYPES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
]);
const FATAL_ERROR_NAMES = new Set(['KafkaJSSASLAuthenticationError']);
const UNKNOWN_TOPIC = 'UNKNOWN_TOPIC_OR_PARTITION';

type KafkaJsError = Error & { type?: string; cause?: unknown; errors?: unknown[] };

/** The error and everything it wraps: kafkajs nests causes (retries exceeded > connection error). */
export function errorChain(error: unknown): KafkaJsError[] {
  const chain: KafkaJsError[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 20) {
    const e = queue.shift();
    if (!(e instanceof Error) || chain.includes(e)) continue;
    const k = e as KafkaJsError;
    chain.push(k);
    queue.push(k.cause, ...(Array.isArray(k.errors) ? k.errors : []));
  }
  return chain;
}

export interface KafkaTransportOptions {
  /** The consume loop's heartbeat behind /healthz. */
  liveness?: Liveness;
  /**
   * Called once for an error restarting cannot fix, after the transport logged it; the
   * worker must exit non-zero. Default: exit the process with 1.
   */
  onFatal?: (error: Error, reason: string) => void;
  /** Wait before the first consumer restart; doubles (with jitter) up to restartMaxDelayMs. */
  restartBaseDelayMs?: number;
  restartMaxDelayMs?: number;
  /** How long connecting and joining the group may take while liveness is held up. */
  startTimeoutMs?: number;
  /** kafkajs settings to override (tests shorten timeouts and retries). */
  kafka?: Partial<KafkaConfig>;
}

type TransportConfig = Pick<
  Config,
  'kafkaBrokers' | 'kafkaTls' | 'kafkaCa' | 'kafkaSasl' | 'topic' | 'consumerGroup' | 'serviceName' | 'unknownTopicGraceMs'
>;

const KAFKAJS_LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs consumer (at-least-once: offsets commit after the callback resolves) plus the
 * DLQ producer, supervised: when the consumer stops on an error (kafkajs gives up after
 * its retries and emits CRASH), it is restarted with backoff, for as long as the error is
 * routine. Fatal errors (authorization, authentication, a topic still missing after
 * KAFKA_UNKNOWN_TOPIC_GRACE_SECONDS) are logged and handed to `onFatal`.
 */
export class KafkaTransport implements Transport {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly retry: RetryOptions = { retries: 5, initialRetryTime: 300, maxRetryTime: 10_000 };
  private readonly onFatal: (error: Error, reason: string) => void;
  private readonly restartBaseDelayMs: number;
  private readonly restartMaxDelayMs: number;
  private readonly startTimeoutMs: number;
  private consumer?: Consumer;
  private ready = false;
  private stopping = false;
  private supervisor?: Promise<void>;
  private signalStopped!: () => void;
  private readonly stopped = new Promise<void>((resolve) => (this.signalStopped = resolve));
  /** Liveness is held up until then while kafkajs connects, joins or the restart backoff runs. */
  private guardedUntil = 0;
  private unknownTopicSince?: number;
  private consecutiveFailures = 0;
  /** Consumer restarts after routine errors, since start. */
  restarts = 0;

  constructor(
    private readonly config: TransportConfig,
    private readonly logger: Logger,
    private readonly options: KafkaTransportOptions = {},
  ) {
    this.onFatal =
      options.onFatal ??
      (() => {
        process.exit(1);
      });
    this.restartBaseDelayMs = options.restartBaseDelayMs ?? 1_000;
    this.restartMaxDelayMs = options.restartMaxDelayMs ?? 30_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 5 * 60_000;
    const kafkaLogger = logger.child({ component: 'kafkajs' });
    this.kafka = new Kafka({
      clientId: config.serviceName,
      brokers: config.kafkaBrokers,
      // KAFKA_CA_FILE: trust the cluster's CA (the system store does not know it).
      ssl: config.kafkaTls ? (config.kafkaCa ? { ca: [config.kafkaCa.pem] } : true) : false,
      sasl: config.kafkaSasl ? { mechanism: 'scram-sha-512', ...config.kafkaSasl } : undefined,
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ namespace, level, log }: LogEntry) => {
          const fields: Record<string, unknown> = { ...log, namespace };
          delete fields.message;
          delete fields.timestamp;
          delete fields.logger;
          kafkaLogger[KAFKAJS_LEVELS[level] ?? 'info'](fields, log.message);
        },
      retry: this.retry,
      ...options.kafka,
    });
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  async start(onMessage: MessageCallback): Promise<void> {
    if (this.supervisor) throw new Error('KafkaTransport already started');
    // Resolves once the consumer joined the group (routine errors before that are retried),
    // or when the transport stopped: stop(), or a fatal error handed to onFatal.
    await new Promise<void>((resolve) => {
      this.supervisor = this.supervise(onMessage, resolve);
    });
  }

  async send(topic: string, message: OutgoingMessage): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: [message] });
  }

  isReady(): boolean {
    return this.ready;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.ready = false;
    this.signalStopped();
    try {
      // Waits for the message in hand, commits its offset, leaves the group.
      await this.consumer?.disconnect();
    } finally {
      await this.producer.disconnect();
      await this.supervisor;
    }
  }

  private beat(): void {
    this.options.liveness?.beat();
  }

  /** Holds liveness up for `ms` (kafkajs reports nothing while it connects or retries). */
  private guard(ms: number): void {
    this.guardedUntil = Date.now() + ms;
    this.beat();
  }

  private async supervise(onMessage: MessageCallback, started: () => void): Promise<void> {
    const tickMs = Math.max(20, Math.min(1_000, (this.options.liveness?.maxAgeMs ?? 60_000) / 4));
    const ticker = setInterval(() => {
      if (Date.now() < this.guardedUntil) this.beat();
    }, tickMs);
    ticker.unref();
    try {
      while (!this.stopping) {
        const error = await this.runConsumer(onMessage, started);
        if (this.stopping || !error) break;
        const reason = this.fatalReason(error);
        if (reason) {
          this.ready = false;
          this.logger.fatal(
            { err: error, reason, topic: this.config.topic, group: this.config.consumerGroup },
            `Kafka consumer stopped on a fatal error (${reason}): exiting so Kubernetes restarts the pod`,
          );
          this.stopping = true;
          this.onFatal(error, reason);
          break;
        }
        const delay = backoffDelay(this.consecutiveFailures++, this.restartBaseDelayMs, this.restartMaxDelayMs);
        this.restarts++;
        this.logger.warn(
          { err: error, restartInMs: delay, consecutiveFailures: this.consecutiveFailures },
          'Kafka consumer stopped on a routine error: restarting it',
        );
        this.guard(delay + this.startTimeoutMs);
        await Promise.race([new Promise((resolve) => setTimeout(resolve, delay)), this.stopped]);
      }
      started();
    } finally {
      clearInterval(ticker);
    }
  }

  /** Runs one kafkajs consumer until it crashes (resolves with the error) or stop() (undefined). */
  private async runConsumer(onMessage: MessageCallback, started: () => void): Promise<Error | undefined> {
    this.guard(this.startTimeoutMs);
    const consumer = this.kafka.consumer({
      groupId: this.config.consumerGroup,
      sessionTimeout: 45_000,
      heartbeatInterval: 3_000,
      // kafkajs must not restart by itself: restarts are decided here, for every error.
      retry: { ...this.retry, ...this.options.kafka?.retry, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    const crashed = new Promise<Error>((resolve) => {
      consumer.on(consumer.events.CRASH, (e) => {
        this.ready = false;
        resolve(e.payload.error);
      });
    });
    const { GROUP_JOIN, REBALANCING, STOP, DISCONNECT } = consumer.events;
    consumer.on(GROUP_JOIN, (e) => {
      this.ready = true;
      this.guardedUntil = 0;
      this.consecutiveFailures = 0;
      if ((e.payload.memberAssignment[this.config.topic] ?? []).length > 0) this.unknownTopicSince = undefined;
      this.beat();
      this.logger.info({ memberId: e.payload.memberId, assignment: e.payload.memberAssignment }, 'joined consumer group');
      started();
    });
    // A rebalance re-joins the group: up to the rebalance timeout without fetches.
    consumer.on(REBALANCING, () => this.guard(this.startTimeoutMs));
    for (const event of [STOP, DISCONNECT]) consumer.on(event, () => (this.ready = false));
    const alive = consumer.events;
    for (const event of [
      alive.FETCH_START,
      alive.FETCH,
      alive.HEARTBEAT,
      alive.START_BATCH_PROCESS,
      alive.END_BATCH_PROCESS,
      alive.COMMIT_OFFSETS,
      alive.REQUEST_TIMEOUT,
    ]) {
      consumer.on(event, () => this.beat());
    }

    try {
      await this.producer.connect();
      await consumer.connect();
      // A new group starts from the oldest retained message rather than skipping the backlog.
      await consumer.subscribe({ topics: [this.config.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        partitionsConsumedConcurrently: 1,
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          const incoming: IncomingMessage = {
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: headersToStrings(message.headers as Record<string, unknown> | undefined),
          };
          this.beat();
          await onMessage(incoming, async () => {
            this.beat();
            await heartbeat();
          });
          this.beat();
        },
      });
    } catch (err) {
      if (this.stopping) return undefined;
      await consumer.disconnect().catch(() => undefined);
      return err instanceof Error ? err : new Error(String(err));
    }
    return Promise.race([crashed, this.stopped.then(() => undefined)]);
  }

  /** Why `error` is fatal, or undefined when restarting the consumer is the cure. */
  private fatalReason(error: Error): string | undefined {
    const chain = errorChain(error);
    const fatal = chain.find((e) => (e.type && FATAL_ERROR_TYPES.has(e.type)) || FATAL_ERROR_NAMES.has(e.name));
    if (fatal) return fatal.type ?? fatal.name;
    if (chain.some((e) => e.type === UNKNOWN_TOPIC)) {
      const since = (this.unknownTopicSince ??= Date.now());
      if (Date.now() - since >= this.config.unknownTopicGraceMs) {
        return `${UNKNOWN_TOPIC}: topic ${this.config.topic} still unknown after ${Math.round((Date.now() - since) / 1000)} s`;
      }
    }
    return undefined;
  }
}
