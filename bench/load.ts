/*
 * A load generator in a worker thread (its own event loop, so the client's work does not
 * queue behind the server's), in one of two shapes:
 *
 *   - closed loop (`concurrency`): that many clients, each sending its next request as
 *     soon as the previous one answers. It measures capacity: with no think time the
 *     server is saturated, and latency is about concurrency / throughput.
 *   - open loop (`rate`): requests sent at a fixed rate whatever the answers, as many
 *     independent users do; each latency runs from the request's scheduled send time, so
 *     time spent waiting behind a slow answer counts (no coordinated omission).
 *
 * Returns latency percentiles and throughput.
 */
import { Worker } from 'node:worker_threads';

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { urls, method, body, token, concurrency, rate, requests } = workerData;
// Kept-alive connections, as a browser keeps its connection to the backend. The body is
// read but not decompressed: what is timed is the server's answer to its last byte, and
// the client's own CPU (on the machine it shares with the server) stays small.
const agent = new http.Agent({ keepAlive: true, maxSockets: rate ? 256 : concurrency });
const headers = {
  authorization: 'Bearer ' + token,
  'content-type': 'application/json',
  'accept-encoding': 'gzip, deflate, br',
};
function send(url, retried) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers }, response => {
      response.on('data', () => {});
      response.on('end', () => resolve(response.statusCode));
      response.on('error', reject);
    });
    request.on('error', error => {
      // The server closed an idle kept-alive connection as this request went out on
      // it: sent again on a fresh one, as browsers do (the retry counts in the latency).
      if (request.reusedSocket && error.code === 'ECONNRESET' && !retried) {
        send(url, true).then(resolve, reject);
      } else {
        reject(error);
      }
    });
    request.end(body);
  });
}
const latencies = [];
let failures = 0;
let firstError;
async function measure(i, start) {
  const url = urls[i % urls.length];
  try {
    const status = await send(url);
    if (status < 200 || status >= 300) {
      failures++;
      firstError ??= url + ': ' + status;
    }
  } catch (e) {
    failures++;
    firstError ??= url + ': ' + e.message;
  }
  latencies.push(performance.now() - start);
}
async function closedLoop() {
  let next = 0;
  async function client() {
    while (next < requests) {
      const i = next++;
      await measure(i, performance.now());
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
}
function openLoop() {
  return new Promise(resolve => {
    const begin = performance.now();
    const interval = 1000 / rate;
    const inFlight = [];
    let next = 0;
    (function tick() {
      const now = performance.now();
      while (next < requests && begin + next * interval <= now) {
        inFlight.push(measure(next, begin + next * interval));
        next++;
      }
      if (next < requests) {
        setTimeout(tick, Math.max(0, begin + next * interval - performance.now()));
      } else {
        Promise.all(inFlight).then(resolve);
      }
    })();
  });
}
(async () => {
  const wall = performance.now();
  await (rate ? openLoop() : closedLoop());
  agent.destroy();
  parentPort.postMessage({ latencies, failures, firstError, wallMs: performance.now() - wall });
})();
`;

export interface LoadResult {
  requests: number;
  /** Closed loop: the number of clients. */
  concurrency?: number;
  /** Open loop: the offered rate, requests per second. */
  rate?: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers per second over the run. */
  throughput: number;
}

export async function load(options: {
  urls: string[];
  token: string;
  requests: number;
  /** Closed loop with this many clients; give this or `rate`. */
  concurrency?: number;
  /** Open loop at this many requests per second. */
  rate?: number;
  method?: string;
  body?: string;
  /** Requests sent first and not measured (connection setup, JIT, caches). */
  warmup?: number;
}): Promise<LoadResult> {
  if (!options.concurrency === !options.rate) {
    throw new Error('load() takes either concurrency or rate');
  }
  const run = (requests: number) =>
    new Promise<{
      latencies: number[];
      failures: number;
      firstError?: string;
      wallMs: number;
    }>((resolve, reject) => {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: {
          ...options,
          method: options.method ?? 'GET',
          rate: options.rate ?? 0,
          requests,
        },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  if (options.warmup) await run(options.warmup);
  const { latencies, failures, firstError, wallMs } = await run(
    options.requests,
  );
  if (failures) {
    throw new Error(
      `${failures} of ${options.requests} requests failed, first: ${firstError}`,
    );
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    requests: latencies.length,
    concurrency: options.concurrency,
    rate: options.rate,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies[latencies.length - 1],
    throughput: latencies.length / (wallMs / 1000),
  };
}
