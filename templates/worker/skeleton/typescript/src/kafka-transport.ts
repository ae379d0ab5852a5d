import type { Config } from './config';
import type { Liveness } from './health';
import {
  Consumer,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  ProduceAcks,
  Producer,
  stringDeserializers,
  stringSerializers,
  type ClientOptions,
  type TextConsumer,
  type TextMessage,
  type TextMessagesStream,
  type TextProducer,
} from './kafka-client';
import type { Logger } from './logger';
import { inConsumerSpan, inProducerSpan } from './message-tracing';
import { backoffDelay } from './processor';
import type { IncomingMessage, MessageCallback, OutgoingMessage, Transport } from './transport';

/**
 * Errors that restarting the consumer cannot fix: the worker exits non-zero and Kubernetes
 * restarts the pod, which shows (CrashLoopBackOff, WorkerRestartingOften) and picks up
 * fixed ACLs or a rotated `-kafka` secret. Everything else a broker restart or a
 * rebalance causes (connection errors, NOT_COORDINATOR, LEADER_NOT_AVAILABLE,
 * REBALANCE_IN_PROGRESS, request timeouts, retries exhausted...) restarts the consumer.
 * Kafka protocol errors are named by their `apiId`, the client's own by their `code`.
 */
const FATAL_ERRORS = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'PLT_KFK_AUTHENTICATION',
]);
const UNKNOWN_TOPIC = 'UNKNOWN_TOPIC_OR_PARTITION';

type KafkaError = Error & { code?: string; apiId?: string; cause?: unknown; errors?: unknown[] };

/** The error and everything it wraps: the client nests causes (retries exhausted > each attempt's error). */
export function errorChain(error: unknown): KafkaError[] {
  const chain: KafkaError[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 50) {
    const e = queue.shift();
    if (!(e instanceof Error) || chain.includes(e)) continue;
    const k = e as KafkaError;
    chain.push(k);
    queue.push(k.cause, ...(Array.isArray(k.errors) ? k.errors : []));
  }
  return chain;
}

/**
 * What went wrong, for logs: each distinct error code in the chain, leaving out the
 * wrappers ("retries exhausted", "response with errors"): NOT_COORDINATOR, PLT_KFK_NETWORK...
 */
export function kafkaErrorCodes(error: unknown): string[] {
  const causes = errorChain(error).filter((e) => !(Array.isArray(e.errors) && e.errors.length > 0));
  return [...new Set(causes.map((e) => (isUnknownTopic(e) ? UNKNOWN_TOPIC : (e.apiId ?? e.code ?? e.name))))];
}

/** The client reports a subscribed topic missing from the cluster as "Unknown topic <name>." */
function isUnknownTopic(e: KafkaError): boolean {
  return e.apiId === UNKNOWN_TOPIC || (e.code === 'PLT_KFK_USER' && e.message.startsWith('Unknown topic '));
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
  /**
   * Client settings to override (tests shorten timeouts and retries). The idempotent DLQ
   * producer takes `retries` below 2 as "retry forever".
   */
  kafka?: Partial<ClientOptions>;
}

type TransportConfig = Pick<
  Config,
  'kafkaBrokers' | 'kafkaTls' | 'kafkaCa' | 'kafkaSasl' | 'topic' | 'consumerGroup' | 'serviceName' | 'unknownTopicGraceMs'
>;

/**
 * Kafka consumer (at-least-once: a message's offset is committed after the callback
 * resolves) plus the DLQ producer, supervised: when the consumer stops on an error (the
 * client gives up after its retries), a new one is started with backoff, for as long as
 * the error is routine. Fatal errors (authorization, authentication, a topic still missing
 * after KAFKA_UNKNOWN_TOPIC_GRACE_SECONDS) are logged and handed to `onFatal`.
 */
export class KafkaTransport implements Transport {
  private readonly client: ClientOptions;
  private readonly producer: TextProducer;
  private readonly onFatal: (error: Error, reason: string) => void;
  private readonly restartBaseDelayMs: number;
  private readonly restartMaxDelayMs: number;
  private readonly startTimeoutMs: number;
  private consumer?: TextConsumer;
  private stream?: TextMessagesStream;
  private ready = false;
  private stopping = false;
  /** A message is being handled: only the handler's progress counts for liveness then. */
  private inHand = false;
  private supervisor?: Promise<void>;
  private signalStopped!: () => void;
  private readonly stopped = new Promise<void>((resolve) => (this.signalStopped = resolve));
  /** Liveness is held up until then while the client connects, joins or the restart backoff runs. */
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
    this.client = {
      clientId: config.serviceName,
      bootstrapBrokers: config.kafkaBrokers,
      // KAFKA_CA_FILE: trust the cluster's CA (the system store does not know it).
      ...(config.kafkaTls ? { tls: config.kafkaCa ? { ca: [config.kafkaCa.pem] } : {} } : {}),
      ...(config.kafkaSasl ? { sasl: { mechanism: 'SCRAM-SHA-512' as const, ...config.kafkaSasl } } : {}),
      // Each request is retried 3 times, about 1 s apart doubling (with jitter), which rides
      // out a broker restart or a leader election. Retries nest when joining the group (the
      // join retries finding the coordinator, which retries its requests), so a cluster that
      // stays unreachable stops the consumer after a minute or two: it is restarted, and logged.
      retries: 3,
      retryDelay: (_client, _operation, attempt) => backoffDelay(attempt - 1, 1_000, 10_000),
      ...options.kafka,
    };
    // Idempotent: acks from all in-sync replicas and one request in flight, so the client's
    // retries neither duplicate nor reorder dead-lettered messages.
    this.producer = new Producer({ ...this.client, idempotent: true, serializers: stringSerializers });
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
    await inProducerSpan(topic, message.headers, (headers) =>
      this.producer.send({
        acks: ProduceAcks.ALL,
        messages: [{ topic, key: message.key ?? undefined, value: message.value ?? undefined, headers }],
      }),
    );
  }

  isReady(): boolean {
    return this.ready;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.ready = false;
    this.signalStopped();
    // Idle: wake the consume loop (or stop connecting). Busy: the loop stops after the
    // message in hand is handled and its offset committed.
    if (!this.inHand) {
      const closing = this.stream ? this.stream.close() : this.consumer?.close(true);
      await closing?.catch(() => undefined);
    }
    try {
      // The consumer leaves the group once its loop ends.
      await this.supervisor;
    } finally {
      await this.producer.close();
    }
  }

  private beat(): void {
    this.options.liveness?.beat();
  }

  /** A fetch or group heartbeat: proof of life, unless a handler holds the loop. */
  private idleBeat(): void {
    if (!this.inHand) this.beat();
  }

  /**
   * Holds liveness up for `ms` while no message is in hand (the client reports nothing
   * while it connects, retries or re-joins the group).
   */
  private guard(ms: number): void {
    this.guardedUntil = Date.now() + ms;
    this.beat();
  }

  private async supervise(onMessage: MessageCallback, started: () => void): Promise<void> {
    const tickMs = Math.max(20, Math.min(1_000, (this.options.liveness?.maxAgeMs ?? 60_000) / 4));
    const ticker = setInterval(() => {
      if (Date.now() < this.guardedUntil) this.idleBeat();
    }, tickMs);
    ticker.unref();
    try {
      while (!this.stopping) {
        const error = await this.runConsumer(onMessage, started);
        if (this.stopping || !error) break;
        const reason = this.fatalReason(error);
        const kafkaErrors = kafkaErrorCodes(error);
        if (reason) {
          this.ready = false;
          this.logger.fatal(
            { err: error, kafkaErrors, reason, topic: this.config.topic, group: this.config.consumerGroup },
            `Kafka consumer stopped on a fatal error (${reason}): exiting so Kubernetes restarts the pod`,
          );
          this.stopping = true;
          this.onFatal(error, reason);
          break;
        }
        const delay = backoffDelay(this.consecutiveFailures++, this.restartBaseDelayMs, this.restartMaxDelayMs);
        this.restarts++;
        this.logger.warn(
          { err: error, kafkaErrors, restartInMs: delay, consecutiveFailures: this.consecutiveFailures },
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

  /** Runs one consumer until it fails (resolves with the error) or stop() (undefined). */
  private async runConsumer(onMessage: MessageCallback, started: () => void): Promise<Error | undefined> {
    this.guard(this.startTimeoutMs);
    const consumer: TextConsumer = new Consumer({
      ...this.client,
      groupId: this.config.consumerGroup,
      deserializers: stringDeserializers,
      sessionTimeout: 45_000,
      heartbeatInterval: 3_000,
      // Each offset is committed once its message is handled (below), never on a timer.
      autocommit: false,
      // Buffer at most one fetch response ahead: messages are handled one at a time anyway.
      highWaterMark: 1,
    });
    this.consumer = consumer;
    let failure: Error | undefined;
    // A re-join after a rebalance that fails for good: end this consumer, a new one starts.
    consumer.on('error', (error) => {
      failure ??= error;
      this.stream?.destroy(error);
    });
    consumer.on('consumer:group:join', ({ memberId, generationId, assignments }) => {
      this.ready = true;
      this.guardedUntil = 0;
      this.consecutiveFailures = 0;
      if (assignments?.some((a) => a.topic === this.config.topic)) this.unknownTopicSince = undefined;
      this.beat();
      this.logger.info({ memberId, generationId, assignments }, 'joined consumer group');
    });
    // A rebalance re-joins the group in the background: up to the rebalance timeout.
    consumer.on('consumer:group:rebalance', () => this.guard(this.startTimeoutMs));
    // Group heartbeats run in the background, every heartbeatInterval.
    consumer.on('consumer:heartbeat:end', () => this.idleBeat());
    consumer.on('consumer:heartbeat:error', ({ error }) =>
      this.logger.warn({ err: error, kafkaErrors: kafkaErrorCodes(error) }, 'consumer group heartbeat failed'),
    );

    try {
      const stream = await consumer.consume({
        topics: [this.config.topic],
        // Resume from the group's committed offsets; a new group starts from the oldest
        // retained message rather than skipping the backlog.
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      });
      this.stream = stream;
      // Every fetch answers within maxWaitTime (5 s), even when the topic is idle.
      stream.on('fetch', () => this.idleBeat());
      if (this.stopping) return undefined;
      started();
      for await (const message of stream as AsyncIterable<TextMessage>) {
        if (this.stopping || failure) break;
        // After a rebalance, messages fetched before it may be from partitions now assigned
        // to another member, which delivers them from the last committed offset.
        if (!isAssigned(consumer, message)) continue;
        await this.handle(message, stream, onMessage);
        if (this.stopping) break;
      }
    } catch (err) {
      failure ??= err instanceof Error ? err : new Error(String(err));
    } finally {
      this.ready = false;
      this.stream = undefined;
      // Leaves the group, so its partitions move to the other members at once.
      await consumer.close(true).catch(() => undefined);
    }
    if (this.stopping) return undefined;
    return failure ?? new Error('the Kafka message stream ended');
  }

  /** Hands one message to the callback, in its trace, then commits its offset. */
  private async handle(message: TextMessage, stream: TextMessagesStream, onMessage: MessageCallback): Promise<void> {
    const incoming: IncomingMessage = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset.toString(),
      key: message.key ?? null,
      value: message.value ?? null,
      headers: Object.fromEntries(message.headers),
    };
    this.inHand = true;
    this.beat();
    try {
      // The callback's heartbeats (retries, backoff) show that a long handling progresses.
      await inConsumerSpan(incoming, this.config.consumerGroup, () => onMessage(incoming, async () => this.beat()));
      await commit(message, stream);
    } finally {
      this.inHand = false;
    }
    this.beat();
  }

  /** Why `error` is fatal, or undefined when restarting the consumer is the cure. */
  private fatalReason(error: Error): string | undefined {
    const chain = errorChain(error);
    const fatal = chain.map((e) => e.apiId ?? e.code).find((code) => code !== undefined && FATAL_ERRORS.has(code));
    if (fatal) return fatal;
    if (chain.some(isUnknownTopic)) {
      const since = (this.unknownTopicSince ??= Date.now());
      if (Date.now() - since >= this.config.unknownTopicGraceMs) {
        return `${UNKNOWN_TOPIC}: topic ${this.config.topic} still unknown after ${Math.round((Date.now() - since) / 1000)} s`;
      }
    }
    return undefined;
  }
}

function isAssigned(consumer: TextConsumer, message: TextMessage): boolean {
  return consumer.assignments?.some((a) => a.topic === message.topic && a.partitions.includes(message.partition)) ?? false;
}

/** Commits `message`'s offset, or fails when the stream ends first (a re-join that failed). */
function commit(message: TextMessage, stream: TextMessagesStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const ended = () => reject(new Error('the consumer stopped before the offset was committed'));
    stream.once('close', ended);
    Promise.resolve(message.commit())
      .then(resolve, reject)
      .finally(() => stream.off('close', ended));
  });
}
