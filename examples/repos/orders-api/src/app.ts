import express, { type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger';
import type { EventPublisher } from './events';

/** A dependency check for /readyz. Throw (or reject) when the dependency is unusable. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface AppDependencies {
  logger: Logger;
  /** Checked by /readyz, never by /healthz. */
  readinessChecks?: ReadinessCheck[];
  /** Per-check timeout for /readyz; keep it below the probe's timeoutSeconds. */
  readinessTimeoutMs?: number;
  /** True once graceful shutdown has begun (SIGTERM): /readyz then answers 503. */
  isShuttingDown?: () => boolean;
  events: EventPublisher;
}

const PROBE_PATHS = new Set(['/healthz', '/readyz']);
const NAME_PATTERN = /^[\p{L}\p{N} .'-]{1,64}$/u;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createApp(deps: AppDependencies): express.Express {
  const { logger } = deps;
  const checks = deps.readinessChecks ?? [];
  const readinessTimeoutMs = deps.readinessTimeoutMs ?? 2_000;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));
  app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (req) => PROBE_PATHS.has(req.url ?? '') },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  );

  // Liveness: the process is up and the event loop answers. No dependency checks here:
  // a database outage must not make Kubernetes restart every pod.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Readiness: can this pod serve traffic right now? Not once it is shutting down.
  app.get('/readyz', async (_req, res) => {
    if (deps.isShuttingDown?.()) {
      res.status(503).json({ status: 'stopping', checks: {} });
      return;
    }
    const results: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), readinessTimeoutMs, name);
          results[name] = 'ok';
        } catch (err) {
          ready = false;
          results[name] = 'failed';
          logger.warn({ check: name, err }, 'readiness check failed');
        }
      }),
    );
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: results });
  });

  // Example route: replace it with your own.
  // Express 5 passes a rejected promise from an async handler to the error handler.
  app.get('/v1/greetings/:name', async (req: Request<{ name: string }>, res) => {
    const { name } = req.params;
    if (!NAME_PATTERN.test(name)) {
      res.status(400).json({
        error: 'invalid_name',
        message: 'name must be 1 to 64 letters, digits, spaces or . \' -',
      });
      return;
    }
    await deps.events.publish({ type: 'greeting.created', key: name, data: { name } });
    res.json({ message: `Hello, ${name}!` });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });

  // Last-resort error handler: log with the request's context, never leak internals.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    req.log.error({ err }, 'unhandled error');
    if (res.headersSent) return;
    res.status(500).json({ error: 'internal_error' });
  });

  return app;
}
