import http from 'node:http';
import type { Socket } from 'node:net';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Date.now() when the response had arrived. */
  at: number;
  /** Settles with Date.now() when the connection that carried the response closes. */
  socketClosed: Promise<number>;
}

function closedAt(socket: Socket): Promise<number> {
  if (socket.destroyed) return Promise.resolve(Date.now());
  return new Promise(resolve =>
    socket.once('close', () => resolve(Date.now())),
  );
}

/**
 * Starts a request on a keep-alive connection of its own. With `holdBody`, the body is
 * sent one byte short (a slow upload: the server has the request but not all of it) until
 * `finish()` is called.
 */
export function startRequest(
  url: string,
  options: { body?: string; holdBody?: boolean } = {},
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const body = options.body ?? '';
  let socket: Socket | undefined;
  const req = http.request({
    host: target.hostname,
    port: target.port,
    path: `${target.pathname}${target.search}`,
    method: 'GET',
    agent,
    headers: body
      ? {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        }
      : {},
  });
  req.on('socket', s => {
    socket = s;
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
          socketClosed: closedAt(socket ?? res.socket),
        }),
      );
    });
  });
  if (options.holdBody && body.length > 1) {
    req.write(body.slice(0, -1));
  } else {
    req.end(body);
  }
  return {
    answer,
    finish: () => {
      if (options.holdBody && body.length > 1) req.end(body.slice(-1));
    },
    close: () => agent.destroy(),
  };
}

/** A complete request whose keep-alive connection then stays open and idle. */
export async function idleKeepAliveConnection(url: string) {
  const request = startRequest(url);
  const answer = await request.answer;
  if (answer.headers.connection === 'close') {
    throw new Error(`${url} answered Connection: close; cannot keep it idle`);
  }
  return { answer, closed: answer.socketClosed, close: request.close };
}
