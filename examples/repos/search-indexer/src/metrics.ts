import { metrics } from '@opentelemetry/api';
import type { Outcome, WorkerMetrics } from './processor';

/**
 * Worker metrics through OpenTelemetry (no-ops until tracing.ts starts the SDK). In
 * Prometheus: worker_messages_total{outcome}, worker_retries_total,
 * worker_processing_duration_seconds_*; the dashboard and alerts query these.
 */
export function otelMetrics(): WorkerMetrics {
  const meter = metrics.getMeter('search-indexer');
  const messages = meter.createCounter('worker.messages', {
    description: 'Messages finished, by outcome: processed, duplicate, dead_lettered',
  });
  const retries = meter.createCounter('worker.retries', { description: 'Handler retries' });
  const duration = meter.createHistogram('worker.processing.duration', {
    description: 'Time from receiving a message to finishing it, retries included',
    unit: 's',
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
