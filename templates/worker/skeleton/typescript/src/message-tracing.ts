import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { IncomingMessage } from './transport';

/*
 * Trace context across Kafka. The Kafka client has no OpenTelemetry instrumentation, so the
 * transport does what one would: every message it sends carries the current trace context
 * in its headers (W3C `traceparent`, through the propagator tracing.ts registers), and every
 * message it consumes is handled in a CONSUMER span that continues the producer's trace.
 * Spans the handler creates, and the dead-letter message it may send, are that span's
 * children. With tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT) all of this costs nothing.
 */

const tracer = trace.getTracer('kafka-transport');

async function inSpan<T>(span: Span, parent: Context, fn: () => Promise<T>): Promise<T> {
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/** Runs `handle` in a CONSUMER span whose parent is the trace in the message's headers. */
export function inConsumerSpan<T>(message: IncomingMessage, consumerGroup: string, handle: () => Promise<T>): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, message.headers);
  const span = tracer.startSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      // OpenTelemetry semantic conventions for messaging (Kafka).
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': message.topic,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.consumer.group.name': consumerGroup,
        'messaging.kafka.offset': Number(message.offset),
        ...(message.key === null ? {} : { 'messaging.kafka.message.key': message.key }),
      },
    },
    parent,
  );
  return inSpan(span, parent, handle);
}

/** Runs `send` in a PRODUCER span, with `headers` plus that span's trace context. */
export function inProducerSpan<T>(
  topic: string,
  headers: Record<string, string>,
  send: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  const parent = context.active();
  const span = tracer.startSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': topic,
      },
    },
    parent,
  );
  const carrier = { ...headers };
  propagation.inject(trace.setSpan(parent, span), carrier);
  return inSpan(span, parent, () => send(carrier));
}
