import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SpanKind, trace } from '@opentelemetry/api';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { pino } from 'pino';
import { createEventPublisher, envelope, InMemoryEventPublisher, type EventPublisher } from '../src/events';
import { FakeKafkaBroker } from './fake-kafka-broker/broker';

/*
 * The publisher with the real Kafka client (@platformatic/kafka) against FakeKafkaBroker,
 * which speaks the Kafka protocol: what reaches the broker is what the client really sent.
 * The OpenTelemetry SDK runs as tracing.ts starts it (W3C trace-context propagator).
 */

type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];
type FinishedSpan = Parameters<SpanProcessor['onEnd']>[0];

const finished: FinishedSpan[] = [];
process.env.OTEL_LOGS_EXPORTER = 'none';
const sdk = new NodeSDK({
  autoDetectResources: false,
  spanProcessors: [
    {
      onStart: () => undefined,
      onEnd: (span) => void finished.push(span),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    },
  ],
});
sdk.start();
after(() => sdk.shutdown());

const TOPIC = 'orders.events';
const logger = pino({ level: 'silent' });
const config = (brokers: string[]) => ({ kafkaBrokers: brokers, kafkaTopic: TOPIC, kafkaClientId: 'orders-api', kafkaTls: false });

describe('envelope', () => {
  it('adds a unique id, the source and the time', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const a = envelope({ type: 'greeting.created', key: 'k', data: {} }, 'svc', now);
    const b = envelope({ type: 'greeting.created', key: 'k', data: {} }, 'svc', now);
    assert.notEqual(a.id, b.id);
    assert.equal(a.source, 'svc');
    assert.equal(a.time, '2026-01-02T03:04:05.000Z');
    assert.equal(a.specversion, '1.0');
  });
});

describe('KafkaEventPublisher', () => {
  it('sends the envelope keyed by the event key through an idempotent producer, acks from all replicas', async () => {
    const broker = await FakeKafkaBroker.start([TOPIC]);
    let publisher: EventPublisher | undefined;
    try {
      publisher = await createEventPublisher(config([broker.address]), logger);
      assert.ok(broker.openConnections > 0, 'connected at start-up');
      const e = await publisher.publish({ type: 'greeting.created', key: 'Ada', data: { name: 'Ada' } });

      const [request, ...more] = broker.produced;
      assert.deepEqual(more, []);
      assert.equal(request?.topic, TOPIC);
      assert.equal(request.acks, -1);
      const [batch] = request.batches;
      assert.equal(batch?.producerId, broker.producerIds[0], 'idempotent: the batch carries its producer id');
      assert.equal(batch?.compression, 1, 'gzip');
      const [message] = batch.messages;
      assert.equal(message?.key?.toString(), 'Ada');
      assert.deepEqual(JSON.parse(message.value?.toString() ?? ''), e);
      const headers = Object.fromEntries(message.headers.map(([k, v]) => [k, v?.toString()]));
      assert.equal(headers['ce-id'], e.id);
      assert.equal(headers['ce-type'], 'greeting.created');

      await publisher.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(broker.openConnections, 0, 'close() disconnects');
      assert.deepEqual(broker.protocolErrors, []);
    } finally {
      await publisher?.close();
      await broker.close();
    }
  });

  it("carries the request's trace to the consumers, in a PRODUCER span", async () => {
    const broker = await FakeKafkaBroker.start([TOPIC]);
    const publisher = await createEventPublisher(config([broker.address]), logger);
    finished.length = 0;
    try {
      // The request being handled, as the http instrumentation would have started it.
      await trace.getTracer('test').startActiveSpan('POST /hello', async (span) => {
        try {
          await publisher.publish({ type: 'greeting.created', key: 'Ada', data: {} });
        } finally {
          span.end();
        }
      });
      const requestSpan = finished.find((s) => s.name === 'POST /hello');
      const sendSpan = finished.find((s) => s.kind === SpanKind.PRODUCER);
      assert.equal(sendSpan?.name, `send ${TOPIC}`);
      assert.equal(sendSpan.parentSpanContext?.spanId, requestSpan?.spanContext().spanId);
      const headers = Object.fromEntries(broker.produced[0]!.batches[0]!.messages[0]!.headers.map(([k, v]) => [k, v?.toString()]));
      const { traceId, spanId } = sendSpan.spanContext();
      assert.equal(headers.traceparent, `00-${traceId}-${spanId}-01`);
    } finally {
      await publisher.close();
      await broker.close();
    }
  });
});

describe('createEventPublisher', () => {
  it('falls back to memory when no brokers are configured', async () => {
    const publisher = await createEventPublisher(config([]), logger);
    assert.ok(publisher instanceof InMemoryEventPublisher);
  });

  it('fails at start-up when no broker answers, rather than on the first request', async () => {
    const broker = await FakeKafkaBroker.start([TOPIC]);
    await broker.close(); // nothing listens on its port any more
    // (An idempotent producer takes fewer than 2 retries as "retry forever".)
    await assert.rejects(createEventPublisher(config([broker.address]), logger, { retries: 2, retryDelay: 10 }), /ECONNREFUSED|connect/i);
  });
});
