import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Config } from './config';
import { ProduceAcks, Producer, stringSerializers, type ClientOptions, type TextProducer, type TlsOptions } from './kafka-client';
import type { Logger } from './logger';

/** What the app asks to publish. */
export interface EventInput {
  /** Dotted, past tense: `greeting.created`. */
  type: string;
  /** Partition key: events with the same key keep their order. */
  key: string;
  data: Record<string, unknown>;
}

/** What goes on the wire: a CloudEvents-shaped envelope. Consumers de-duplicate on `id`. */
export interface EventEnvelope extends EventInput {
  id: string;
  source: string;
  time: string;
  specversion: '1.0';
}

export interface EventPublisher {
  publish(event: EventInput): Promise<EventEnvelope>;
  close(): Promise<void>;
}

export function envelope(event: EventInput, source = '${{ values.name }}', now = new Date()): EventEnvelope {
  return { ...event, id: randomUUID(), source, time: now.toISOString(), specversion: '1.0' };
}

/** Keeps events in memory: tests, and local runs without KAFKA_BROKERS. */
export class InMemoryEventPublisher implements EventPublisher {
  readonly published: EventEnvelope[] = [];
  failWith?: Error;

  async publish(event: EventInput): Promise<EventEnvelope> {
    if (this.failWith) throw this.failWith;
    const e = envelope(event);
    this.published.push(e);
    return e;
  }

  async close(): Promise<void> {}
}

/**
 * Kafka publisher. Idempotent producer: acks from all in-sync replicas and one request in
 * flight per broker, so the client's retries neither duplicate nor reorder events of a key.
 * Each event carries the current trace context (W3C `traceparent` header), so consumers
 * continue the request's trace: the Kafka client has no OpenTelemetry instrumentation.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly sending = new Set<Promise<unknown>>();

  constructor(
    private readonly producer: TextProducer,
    private readonly topic: string,
  ) {}

  async publish(event: EventInput): Promise<EventEnvelope> {
    const e = envelope(event);
    const headers = { 'ce-id': e.id, 'ce-type': e.type, 'ce-source': e.source };
    const sent = inProducerSpan(this.topic, headers, (traced) =>
      this.producer.send({
        acks: ProduceAcks.ALL,
        compression: 'gzip',
        messages: [{ topic: this.topic, key: e.key, value: JSON.stringify(e), headers: traced }],
      }),
    );
    this.sending.add(sent);
    try {
      await sent;
    } finally {
      this.sending.delete(sent);
    }
    return e;
  }

  /** Waits for the events being sent (closing drops what is in flight), then disconnects. */
  async close(): Promise<void> {
    await Promise.allSettled(this.sending);
    await this.producer.close();
  }
}

const tracer = trace.getTracer('events');

/** Runs `send` in a PRODUCER span, with `headers` plus that span's trace context. */
async function inProducerSpan<T>(
  topic: string,
  headers: Record<string, string>,
  send: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(`send ${topic}`, {
    kind: SpanKind.PRODUCER,
    // OpenTelemetry semantic conventions for messaging (Kafka).
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topic,
    },
  });
  const spanContext = trace.setSpan(context.active(), span);
  const traced = { ...headers };
  propagation.inject(spanContext, traced);
  try {
    return await context.with(spanContext, () => send(traced));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * TLS settings for the brokers. KAFKA_CA_FILE (a PEM bundle: the `ca.crt` of the `-kafka`
 * secret) is the CA the brokers' certificates are checked against; no public CA signs
 * in-cluster broker names, so without it only the system trust store is used. Fails at
 * start-up, naming the variable and the path, when the file cannot be used. Undefined: no TLS.
 */
export function kafkaTls(tls: boolean, caFile = process.env.KAFKA_CA_FILE): TlsOptions | undefined {
  if (!caFile) return tls ? {} : undefined;
  if (!tls) throw new Error('KAFKA_CA_FILE is set but KAFKA_TLS=false: a CA only applies to TLS connections');
  let pem: Buffer;
  try {
    pem = readFileSync(caFile);
  } catch (err) {
    throw new Error(`KAFKA_CA_FILE=${caFile} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`KAFKA_CA_FILE=${caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return { ca: [pem] };
}

export async function createEventPublisher(
  config: Pick<Config, 'kafkaBrokers' | 'kafkaTopic' | 'kafkaClientId' | 'kafkaTls' | 'kafkaSasl'>,
  logger: Logger,
  /** Client settings to override (tests shorten timeouts and retries). */
  client: Partial<ClientOptions> = {},
): Promise<EventPublisher> {
  if (config.kafkaBrokers.length === 0) {
    logger.warn('KAFKA_BROKERS is not set: events are kept in memory and never delivered');
    return new InMemoryEventPublisher();
  }
  const tls = kafkaTls(config.kafkaTls);
  const producer: TextProducer = new Producer({
    clientId: config.kafkaClientId,
    bootstrapBrokers: config.kafkaBrokers,
    ...(tls ? { tls } : {}),
    ...(config.kafkaSasl ? { sasl: { mechanism: 'SCRAM-SHA-512' as const, ...config.kafkaSasl } } : {}),
    idempotent: true,
    serializers: stringSerializers,
    // Each request is retried 3 times, 1 s apart doubling, which rides out a broker restart
    // or a leader election; then publish() fails (and start-up, while no broker answers).
    retries: 3,
    retryDelay: (_client, _operation, attempt) => Math.min(10_000, 1_000 * 2 ** (attempt - 1)),
    ...client,
  });
  // The client connects lazily; connecting now makes a wrong address, CA or password fail
  // the start-up rather than the first request.
  await producer.connectToBrokers();
  logger.info({ topic: config.kafkaTopic }, 'connected to Kafka');
  return new KafkaEventPublisher(producer, config.kafkaTopic);
}
