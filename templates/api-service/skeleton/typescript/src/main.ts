// Keep this import first: it starts OpenTelemetry before anything else loads
// (the container preloads it with --require as well).
import { shutdownTracing } from './tracing';

import type { Server } from 'node:http';
import { createApp, type ReadinessCheck } from './app';
import { loadConfig } from './config';
import { createLogger } from './logger';
{%- if values.needsDatabase %}
import { Database } from './db';
{%- endif %}
{%- if values.needsQueue %}
import { createEventPublisher } from './events';
{%- endif %}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });
  const readinessChecks: ReadinessCheck[] = [];
  const closers: Array<() => Promise<void>> = [];
{%- if values.needsDatabase %}

  // Migrations run before the server listens. The startup probe in k8s/deployment.yaml
  // gives them 10 minutes; see docs/failure-modes.md.
  const db = new Database(config.databaseUrl);
  closers.push(() => db.close());
  const applied = await db.migrate(config.migrationsDir, logger);
  logger.info({ applied }, 'migrations complete');
  readinessChecks.push({ name: 'database', check: () => db.ping() });
{%- endif %}
{%- if values.needsQueue %}

  const events = await createEventPublisher(config, logger);
  closers.push(() => events.close());
{%- endif %}

  const app = createApp({ logger, readinessChecks{% if values.needsQueue %}, events{% endif %} });
  const server: Server = app.listen(config.port, () => {
    logger.info({ port: config.port }, 'listening');
  });
  // Longer than the load balancer's idle timeout, so it never reuses a closed connection.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    server.close(async (err) => {
      for (const close of closers) {
        await close().catch((closeErr: unknown) => logger.warn({ err: closeErr }, 'close failed'));
      }
      await shutdownTracing().catch(() => undefined);
      logger.info('stopped');
      process.exit(err ? 1 : 0);
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // The logger may not exist yet: write one JSON line by hand.
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), message: 'start-up failed', error: String(err instanceof Error ? err.stack : err) })}\n`,
  );
  process.exit(1);
});
