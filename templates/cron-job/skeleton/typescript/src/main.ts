// Keep this import first: it starts OpenTelemetry before anything else loads
// (the container preloads it with --require as well).
import { shutdownTracing } from './tracing';

import { loadConfig } from './config';
import { createLogger } from './logger';
import { runOnce } from './runner';
import { createTask, exampleSource } from './task';

async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });

  // Kubernetes sends SIGTERM at activeDeadlineSeconds or when the pod is evicted: stop
  // between batches, log what was done, exit non-zero so the run is retried or alerted on.
  const stop = new AbortController();
  const onSignal = (signal: string) => {
    logger.warn({ signal }, 'stop requested');
    stop.abort(new Error(`received ${signal}`));
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));

  const outcome = await runOnce(createTask(exampleSource(), config.batchSize), {
    logger,
    deadlineMs: config.deadlineSeconds * 1000,
    signal: stop.signal,
  });
  return outcome.exitCode;
}

main()
  .catch((err: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), message: 'run crashed', error: String(err instanceof Error ? err.stack : err) })}\n`,
    );
    return 1;
  })
  .then(async (code) => {
    // A short-lived process must flush its spans, or they are lost.
    await shutdownTracing().catch(() => undefined);
    process.exit(code);
  });
