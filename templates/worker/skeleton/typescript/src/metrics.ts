import { metrics } from '@opentelemetry/api';
import type { Outcome, WorkerMetrics } from './processor';

/**
 * Worker metrics through OpenTelemetry (no-ops until tracing.ts starts the SDK). In
 * Prometheus: worker_messages_total{outcome}, worker_retries_total,
 * worker_processing_duration_seconds_*; the dashboard and alerts query these.
 */
export function otelMetrics(): WorkerMetrics {
  const meter = metrics.getMeter('${{ values.name }}');
  const messages = meter.createCounter('worker.messages', {
    description: 'Messages finished, by outcome: processed, duplicate, dead_lettered',
  });
  const retries = meter.createCounter('worker.retries', { description: 'Handler retries' });
  const duration = meter.createHistogram('worker.processing.duration', {
    description: 'Time from receiving a message to finishing it, retries included',
    unit: 's',
    // In seconds. Without these the SDK's default buckets (0, 5, 10, 25 ... 10000) are sized
    // for milliseconds: every message would land in the first bucket and p50/p99 on the
    // dashboard would read 2.5 s / 4.95 s whatever the real duration.
    advice: {
      explicitBucketBoundaries: [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120,
      ],
    },
  });
  return {
    recordOutcome(outcome: Outcome, durationMs: number) {
      messages.add(1, { outcome });
      duration.record(durationMs / 1000, { outcome });
    },
    recordRetry() {
      retries.add(1);
    },
  };
}
