import { createServer, type Server } from 'node:http';

/**
 * /healthz (liveness: the process answers) and /readyz (readiness: in the consumer group).
 * A worker has no other HTTP surface.
 */
export function createHealthServer(isReady: () => boolean): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    let status = 404;
    let body: Record<string, string> = { error: 'not_found' };
    if (path === '/healthz') {
      status = 200;
      body = { status: 'ok' };
    } else if (path === '/readyz') {
      const ready = isReady();
      status = ready ? 200 : 503;
      body = { status: ready ? 'ready' : 'not ready' };
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
}
