import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { pino } from 'pino';
import { loadConfig } from '../src/config';
import { PermanentError } from '../src/handler';
import { InMemoryProcessedMessageStore } from '../src/idempotency';
import { KafkaTransport } from '../src/kafka-transport';
import { MessageProcessor } from '../src/processor';
import { startWorker } from '../src/worker';
import { FakeKafkaBroker } from './fake-kafka-broker/broker';

/*
 * Trace context across Kafka, end to end: the OpenTelemetry SDK as tracing.ts starts it
 * (W3C trace context propagator), the real Kafka client and FakeKafkaBroker. A message
 * from a traced producer is handled in a CONSUMER span of the producer's trace, and the
 * message it dead-letters carries that trace on.
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

const TOPIC = 'tracing-test.events.v1';
const GROUP = 'tracing-test-worker';
const DLQ = `${GROUP}.dlq`;
// The upstream service's span that produced the message.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER_SPAN_ID = '00f067aa0ba902b7';

it("continues the producer's trace in the handler, and into the dead-lettered message", async () => {
  const broker = await FakeKafkaBroker.start();
  broker.createTopic(TOPIC);
  broker.createTopic(DLQ);
  broker.produce(TOPIC, { order: 42 }, { key: 'order-42', headers: { traceparent: `00-${TRACE_ID}-${PRODUCER_SPAN_ID}-01` } });
  const logger = pino({ level: 'silent' });
  const transport = new KafkaTransport(
    loadConfig({ KAFKA_BROKERS: broker.address, KAFKA_TLS: 'false', KAFKA_TOPIC: TOPIC, KAFKA_CONSUMER_GROUP: GROUP }),
    logger,
    { onFatal: (error) => assert.fail(error) },
  );
  const handlerSpans: Array<SpanContext | undefined> = [];
  const processor = new MessageProcessor({
    handler: async () => {
      handlerSpans.push(trace.getActiveSpan()?.spanContext());
      throw new PermanentError('cannot handle this order');
    },
    store: new InMemoryProcessedMessageStore(),
    transport,
    dlqTopic: DLQ,
    maxRetries: 0,
    logger,
  });
  try {
    await startWorker(transport, processor);
    const deadline = Date.now() + 15_000;
    while (broker.committed.get(`${TOPIC}/0`) !== 1n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(broker.committed.get(`${TOPIC}/0`), 1n, 'the message was committed once dead-lettered');
  } finally {
    await transport.stop();
    await broker.close();
  }

  const consumerSpan = finished.find((s) => s.kind === SpanKind.CONSUMER);
  assert.equal(consumerSpan?.name, `process ${TOPIC}`);
  assert.equal(consumerSpan.spanContext().traceId, TRACE_ID);
  assert.equal(consumerSpan.parentSpanContext?.spanId, PRODUCER_SPAN_ID);
  assert.deepEqual(
    {
      system: consumerSpan.attributes['messaging.system'],
      destination: consumerSpan.attributes['messaging.destination.name'],
      group: consumerSpan.attributes['messaging.consumer.group.name'],
      offset: consumerSpan.attributes['messaging.kafka.offset'],
      key: consumerSpan.attributes['messaging.kafka.message.key'],
    },
    { system: 'kafka', destination: TOPIC, group: GROUP, offset: 0, key: 'order-42' },
  );
  assert.deepEqual(handlerSpans, [consumerSpan.spanContext()], "the handler runs in the consumer span");

  // The dead-letter send is a PRODUCER span under the consumer span; its message carries it.
  const sendSpan = finished.find((s) => s.kind === SpanKind.PRODUCER);
  assert.equal(sendSpan?.name, `send ${DLQ}`);
  assert.equal(sendSpan.parentSpanContext?.spanId, consumerSpan.spanContext().spanId);
  const [deadLettered, ...more] = broker.messages(DLQ);
  assert.deepEqual(more, []);
  assert.equal(deadLettered?.key, 'order-42');
  assert.deepEqual(JSON.parse(deadLettered.value ?? ''), { order: 42 });
  assert.equal(deadLettered.headers['x-error'], 'PermanentError: cannot handle this order');
  assert.equal(deadLettered.headers.traceparent, `00-${TRACE_ID}-${sendSpan.spanContext().spanId}-01`);
});
