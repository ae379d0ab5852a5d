// Keep this import first: it starts OpenTelemetry before anything else loads
// (the container preloads it with --require as well).
import { shutdownTracing } from './tracing';

import { loadConfig } from './config';
import { handleMessage } from './handler';
import { createHealthServer } from './health';
import { InMemoryProcessedMessageStore } from './idempotency';
import { KafkaTransport } from './kafka-transport';
import { createLogger } from './logger';
import { otelMetrics } from './metrics';
import { MessageProcessor } from './processor';
import { startWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });
  const transport = new KafkaTransport(config, logger);
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

  const health = createHealthServer(() => transport.isReady());
  health.listen(config.healthPort, () => logger.info({ port: config.healthPort }, 'health endpoints listening'));

  await startWorker(transport, processor);
  logger.info({ topic: config.topic, group: config.consumerGroup, dlq: config.dlqTopic }, 'consuming');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing the message in hand');
    try {
      // Waits for the message being processed, commits its offset, leaves the group.
      await transport.stop();
    } catch (err) {
      logger.error({ err }, 'error while stopping the consumer');
    }
    health.close();
    await shutdownTracing().catch(() => undefined);
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), message: 'start-up failed', error: String(err instanceof Error ? err.stack : err) })}\n`,
  );
  process.exit(1);
});
