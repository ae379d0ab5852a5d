import { createServer, type Server } from 'node:http';

/**
 * The consume loop's heartbeat. The Kafka transport calls `beat()` whenever the loop shows
 * it is alive: each fetch (the client fetches every few seconds even when the topic is
 * idle) and group heartbeat while no message is in hand, each message and retry backoff
 * step, and while it reconnects after a broker error. A loop that stops beating (a handler
 * that never returns, a deadlock) makes /healthz fail, and Kubernetes restarts the pod.
 */
export class Liveness {
  private last: number;

  constructor(
    /** LIVENESS_MAX_AGE_SECONDS, in milliseconds. */
    readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.last = now();
  }

  beat(): void {
    this.last = this.now();
  }

  /** Milliseconds since the last heartbeat. */
  ageMs(): number {
    return this.now() - this.last;
  }

  isAlive(): boolean {
    return this.ageMs() <= this.maxAgeMs;
  }
}

/**
 * /healthz (liveness: the consume loop reported a heartbeat within the last
 * LIVENESS_MAX_AGE_SECONDS) and /readyz (readiness: in the consumer group).
 * A worker has no other HTTP surface.
 */
export function createHealthServer(isReady: () => boolean, liveness: Liveness): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    let status = 404;
    let body: Record<string, string | number> = { error: 'not_found' };
    if (path === '/healthz') {
      const alive = liveness.isAlive();
      status = alive ? 200 : 503;
      body = {
        status: alive ? 'ok' : 'stalled',
        last_heartbeat_seconds_ago: Math.round(liveness.ageMs() / 100) / 10,
        max_age_seconds: liveness.maxAgeMs / 1000,
      };
    } else if (path === '/readyz') {
      const ready = isReady();
      status = ready ? 200 : 503;
      body = { status: ready ? 'ready' : 'not ready' };
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
}
