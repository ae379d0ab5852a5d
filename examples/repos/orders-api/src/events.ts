import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import type { Config } from './config';
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

export function envelope(event: EventInput, source = 'orders-api', now = new Date()): EventEnvelope {
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
 * Kafka publisher. Idempotent producer (no duplicates from producer retries), acks from
 * all in-sync replicas, one in-flight request per connection so retries keep key order.
 */
export class KafkaEventPublisher implements EventPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  async publish(event: EventInput): Promise<EventEnvelope> {
    const e = envelope(event);
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: [
        {
          key: e.key,
          value: JSON.stringify(e),
          headers: { 'ce-id': e.id, 'ce-type': e.type, 'ce-source': e.source },
        },
      ],
    });
    return e;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/**
 * kafkajs TLS settings. KAFKA_CA_FILE (a PEM bundle: the `ca.crt` of the `-kafka` secret) is
 * the CA the brokers' certificates are checked against; no public CA signs in-cluster broker
 * names, so without it only the system trust store is used. Fails at start-up, naming the
 * variable and the path, when the file cannot be used.
 */
export function kafkaSsl(tls: boolean, caFile = process.env.KAFKA_CA_FILE): boolean | { ca: Buffer[] } {
  if (!caFile) return tls;
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
): Promise<EventPublisher> {
  if (config.kafkaBrokers.length === 0) {
    logger.warn('KAFKA_BROKERS is not set: events are kept in memory and never delivered');
    return new InMemoryEventPublisher();
  }
  const kafka = new Kafka({
    clientId: config.kafkaClientId,
    brokers: config.kafkaBrokers,
    ssl: kafkaSsl(config.kafkaTls),
    sasl: config.kafkaSasl ? { mechanism: 'scram-sha-512', ...config.kafkaSasl } : undefined,
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 300 },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  logger.info({ topic: config.kafkaTopic }, 'connected to Kafka');
  return new KafkaEventPublisher(producer, config.kafkaTopic);
}
