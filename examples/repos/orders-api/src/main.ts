// Keep this import first: it starts OpenTelemetry before anything else loads
// (the container preloads it with --require as well).
import { shutdownTracing } from './tracing';

import type { Server } from 'node:http';
import { createApp, type ReadinessCheck } from './app';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { type Closer, gracefulShutdown } from './shutdown';
import { Database } from './db';
import { createEventPublisher } from './events';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });
  const readinessChecks: ReadinessCheck[] = [];
  const closers: Closer[] = [];

  // Migrations run before the server listens. The startup probe in k8s/deployment.yaml
  // gives them 10 minutes; see docs/failure-modes.md.
  const db = new Database(config.databaseUrl, {
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    logger,
  });
  const applied = await db.migrate(config.migrationsDir, logger);
  logger.info({ applied }, 'migrations complete');
  readinessChecks.push({ name: 'database', check: () => db.ping() });

  const events = await createEventPublisher(config, logger);
  // Closed first: it may still be sending what the last requests published.
  closers.push({ name: 'events', close: () => events.close() });
  closers.push({ name: 'database', close: () => db.close() });

  const app = createApp({
    logger,
    readinessChecks,
    isShuttingDown: () => shutdown.stopping,
    events,
  });
  const server: Server = app.listen(config.port, () => {
    logger.info({ port: config.port }, 'listening');
  });
  // Longer than the load balancer's idle timeout, so it never reuses a closed connection.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  // SIGTERM comes after the preStop sleep in k8s/deployment.yaml; SIGKILL follows at the end
  // of terminationGracePeriodSeconds. See src/shutdown.ts for what happens in between.
  const shutdown = gracefulShutdown(server, {
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    closers,
    flush: shutdownTracing,
  });
  const onSignal = (signal: string) => {
    if (shutdown.stopping) return;
    // Last resort, should a close hang in a way the shutdown cannot time out.
    setTimeout(() => {
      logger.error('graceful shutdown timed out, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 1_000).unref();
    void shutdown.stop(signal).then((clean) => process.exit(clean ? 0 : 1));
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

main().catch((err: unknown) => {
  // The logger may not exist yet: write one JSON line by hand.
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), message: 'start-up failed', error: String(err instanceof Error ? err.stack : err) })}\n`,
  );
  process.exit(1);
});
