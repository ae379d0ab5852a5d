// Keep this import first: it starts OpenTelemetry before anything else loads
// (the container preloads it with --require as well).
import { shutdownTracing } from './tracing';

import { loadConfig } from './config';
import { createLogger } from './logger';
import { runOnce } from './runner';
import { createTask, exampleSource } from './task';

/** The flush gets this long at most: the collector being down must not eat the grace period. */
const FLUSH_TIMEOUT_MS = 5_000;

async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });

  // Kubernetes sends SIGTERM at activeDeadlineSeconds, on eviction, or when a Replace policy
  // starts the next run, and SIGKILL terminationGracePeriodSeconds (30 s) later. The task is
  // asked to stop between items; one that does not return within JOB_STOP_TIMEOUT_SECONDS is
  // abandoned. Either way the summary is logged, traces are flushed and the exit code is 1,
  // so the run is retried or alerted on.
  const stop = new AbortController();
  const onSignal = (signal: string) => {
    if (stop.signal.aborted) return;
    logger.warn({ signal }, 'stop requested');
    stop.abort(new Error(`received ${signal}`));
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  const outcome = await runOnce(createTask(exampleSource(), config.batchSize), {
    logger,
    deadlineMs: config.deadlineSeconds * 1000,
    stopTimeoutMs: config.stopTimeoutSeconds * 1000,
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
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_TIMEOUT_MS)));
    await Promise.race([shutdownTracing().catch(() => undefined), timeout]);
    clearTimeout(timer);
    // Exits even if an abandoned task is still holding the event loop.
    process.exit(code);
  });
