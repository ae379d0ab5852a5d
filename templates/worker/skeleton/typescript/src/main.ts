// Keep this import first: it starts OpenTelemetry before anything else loads
// (the container preloads it with --require as well).
import { shutdownTracing } from './tracing';

import { loadConfig } from './config';
import { handleMessage } from './handler';
import { createHealthServer, Liveness } from './health';
import { InMemoryProcessedMessageStore } from './idempotency';
import { KafkaTransport } from './kafka-transport';
import { createLogger } from './logger';
import { otelMetrics } from './metrics';
import { MessageProcessor } from './processor';
import { startWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });
  const liveness = new Liveness(config.livenessMaxAgeMs);
  const transport = new KafkaTransport(config, logger, {
    liveness,
    // Authorization or authentication failures and a topic that does not exist end the
    // process with 1, so Kubernetes restarts the pod (the transport logged which error).
    // Routine broker errors never get here: the transport restarts the consumer.
    onFatal: () => void shutdown('fatal Kafka error', 1),
  });
  const processor = new MessageProcessor({
    handler: handleMessage,
    store: new InMemoryProcessedMessageStore(config.processedStoreSize),
    transport,
    dlqTopic: config.dlqTopic,
    maxRetries: config.maxRetries,
    baseDelayMs: config.retryBaseDelayMs,
    maxDelayMs: config.retryMaxDelayMs,
    logger,
    metrics: otelMetrics(),
  });

  const health = createHealthServer(() => transport.isReady(), liveness);
  health.listen(config.healthPort, () => logger.info({ port: config.healthPort }, 'health endpoints listening'));

  let stopping = false;
  async function shutdown(reason: string, exitCode = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down: finishing the message in hand');
    try {
      // Waits for the message being processed, commits its offset, leaves the group.
      await transport.stop();
    } catch (err) {
      logger.error({ err }, 'error while stopping the consumer');
    }
    health.close();
    await shutdownTracing().catch(() => undefined);
    logger.info({ exitCode }, 'stopped');
    process.exit(exitCode);
  }
  // Before starting: connecting waits out a broker outage, and SIGTERM may come meanwhile.
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await startWorker(transport, processor);
  if (!stopping) logger.info({ topic: config.topic, group: config.consumerGroup, dlq: config.dlqTopic }, 'consuming');
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), message: 'start-up failed', error: String(err instanceof Error ? err.stack : err) })}\n`,
  );
  process.exit(1);
});
