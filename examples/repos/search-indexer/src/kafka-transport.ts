import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { Config } from './config';
import type { Logger } from './logger';
import type { IncomingMessage, MessageCallback, OutgoingMessage, Transport } from './transport';

function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? String(v[v.length - 1]) : String(v);
  }
  return out;
}

/** kafkajs consumer (at-least-once: offsets commit after the callback resolves) plus the DLQ producer. */
export class KafkaTransport implements Transport {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private ready = false;

  constructor(
    private readonly config: Pick<Config, 'kafkaBrokers' | 'kafkaTls' | 'kafkaSasl' | 'topic' | 'consumerGroup' | 'serviceName'>,
    private readonly logger: Logger,
  ) {
    const kafka = new Kafka({
      clientId: config.serviceName,
      brokers: config.kafkaBrokers,
      ssl: config.kafkaTls,
      sasl: config.kafkaSasl ? { mechanism: 'scram-sha-512', ...config.kafkaSasl } : undefined,
      logLevel: logLevel.WARN,
      retry: { retries: 8, initialRetryTime: 300 },
    });
    this.consumer = kafka.consumer({ groupId: config.consumerGroup, sessionTimeout: 45_000, heartbeatInterval: 3_000 });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const { GROUP_JOIN, CRASH, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (e) => {
      this.ready = true;
      this.logger.info({ memberId: e.payload.memberId }, 'joined consumer group');
    });
    this.consumer.on(STOP, () => {
      this.ready = false;
    });
    this.consumer.on(CRASH, (e) => {
      this.ready = false;
      this.logger.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      // Not restartable by kafkajs: exit and let Kubernetes restart the pod.
      if (!e.payload.restart) process.exit(1);
    });
  }

  async start(onMessage: MessageCallback): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    // A new group starts from the oldest retained message rather than skipping the backlog.
    await this.consumer.subscribe({ topics: [this.config.topic], fromBeginning: true });
    await this.consumer.run({
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
        await onMessage(incoming, heartbeat);
      },
    });
  }

  async send(topic: string, message: OutgoingMessage): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: [message] });
  }

  isReady(): boolean {
    return this.ready;
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}
