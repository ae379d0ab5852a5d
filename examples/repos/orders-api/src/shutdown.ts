import type { Server, ServerResponse } from 'node:http';
import type { Logger } from './logger';

/** Something to close once no request is in flight: the database pool, the Kafka producer. */
export interface Closer {
  name: string;
  close: () => Promise<void>;
}

export interface ShutdownOptions {
  logger: Logger;
  /** The whole shutdown, from the signal to the end of `flush` (SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
  /** Closed in order after the server has drained. */
  closers: Closer[];
  /** Last: flush traces and metrics, so the spans of the drained requests are exported. */
  flush: () => Promise<void>;
}

export interface GracefulShutdown {
  /** True from the first signal on; /readyz answers 503 from then. */
  readonly stopping: boolean;
  /** Drains and closes everything; resolves true when all of it finished in time. */
  stop(signal: string): Promise<boolean>;
}

const TIMED_OUT = Symbol('timed out');

async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Graceful shutdown for Kubernetes. By the time SIGTERM arrives, the preStop sleep has
 * let the endpoint removal reach the load balancers. Then:
 *
 * 1. readiness fails and the server stops accepting connections;
 * 2. idle keep-alive connections are closed now, and every response still to be sent
 *    carries `Connection: close`, so no client keeps a connection to a stopping pod;
 * 3. requests in flight get until `timeoutMs` minus a reserve (a quarter, at most 5 s) to
 *    finish; connections still open then are closed;
 * 4. the closers run, then `flush`, each within what is left of `timeoutMs`.
 *
 * Call it right after `listen`: it counts the requests in flight from then on.
 */
export function gracefulShutdown(server: Server, options: ShutdownOptions): GracefulShutdown {
  const { logger } = options;
  const inFlight = new Set<ServerResponse>();
  let stopping = false;

  const closeAfterResponse = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };

  // First, so that the header is set before the app starts answering.
  server.prependListener('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    if (stopping) closeAfterResponse(res);
    res.once('close', () => {
      inFlight.delete(res);
      // A response that had already started kept its keep-alive connection: close it now.
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });
  });

  async function stop(signal: string): Promise<boolean> {
    if (stopping) return false;
    stopping = true;
    const started = Date.now();
    const left = () => options.timeoutMs - (Date.now() - started);
    const drainMs = options.timeoutMs - Math.min(5_000, options.timeoutMs / 4);
    logger.info({ signal, inFlight: inFlight.size }, 'shutting down');

    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const res of inFlight) closeAfterResponse(res);
    server.closeIdleConnections();
    let clean = true;
    if ((await within(closed, drainMs)) === TIMED_OUT) {
      clean = false;
      logger.warn({ inFlight: inFlight.size }, 'requests still in flight at the drain deadline; closing their connections');
      server.closeAllConnections();
      await within(closed, Math.min(1_000, left()));
    }

    for (const { name, close } of options.closers) {
      try {
        if ((await within(close(), left())) === TIMED_OUT) {
          clean = false;
          logger.warn({ dependency: name }, 'close timed out');
        } else {
          logger.info({ dependency: name }, 'closed');
        }
      } catch (err) {
        clean = false;
        logger.warn({ dependency: name, err }, 'close failed');
      }
    }
    try {
      if ((await within(options.flush(), left())) === TIMED_OUT) {
        clean = false;
        logger.warn('flushing traces timed out');
      }
    } catch (err) {
      clean = false;
      logger.warn({ err }, 'flushing traces failed');
    }
    logger.info({ durationMs: Date.now() - started, clean }, 'stopped');
    return clean;
  }

  return {
    get stopping() {
      return stopping;
    },
    stop,
  };
}
