/*
 * A closed-loop load generator: `concurrency` clients, each sending its next request as
 * soon as the previous one answers, in a worker thread (its own event loop, so the
 * client's work does not queue behind the server's). Returns latency percentiles.
 */
import { Worker } from 'node:worker_threads';

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { urls, method, body, token, concurrency, requests } = workerData;
// One kept-alive connection per client, as a browser keeps its connection to the
// backend. The body is read but not decompressed: what is timed is the server's answer
// to its last byte, and the client's own CPU (on the machine it shares with the server)
// stays small.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const headers = {
  authorization: 'Bearer ' + token,
  'content-type': 'application/json',
  'accept-encoding': 'gzip, deflate, br',
};
function send(url) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers }, response => {
      response.on('data', () => {});
      response.on('end', () => resolve(response.statusCode));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
(async () => {
  const latencies = [];
  let next = 0;
  let failures = 0;
  let firstError;
  async function client() {
    while (next < requests) {
      const i = next++;
      const url = urls[i % urls.length];
      const start = performance.now();
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
  }
  const wall = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  agent.destroy();
  parentPort.postMessage({ latencies, failures, firstError, wallMs: performance.now() - wall });
})();
`;

export interface LoadResult {
  requests: number;
  concurrency: number;
  p50: number;
  p99: number;
  max: number;
  throughput: number;
}

export async function load(options: {
  urls: string[];
  token: string;
  concurrency: number;
  requests: number;
  method?: string;
  body?: string;
  /** Requests sent first and not measured (connection setup, JIT, caches). */
  warmup?: number;
}): Promise<LoadResult> {
  const run = (requests: number) =>
    new Promise<{
      latencies: number[];
      failures: number;
      firstError?: string;
      wallMs: number;
    }>((resolve, reject) => {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { ...options, method: options.method ?? 'GET', requests },
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
    p50: at(0.5),
    p99: at(0.99),
    max: latencies[latencies.length - 1],
    throughput: latencies.length / (wallMs / 1000),
  };
}
