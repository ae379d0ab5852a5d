/*
 * A closed-loop load generator: `concurrency` clients, each sending its next request as
 * soon as the previous one answers, in a worker thread (its own event loop, so the
 * client's work does not queue behind the server's). Returns latency percentiles.
 */
import { Worker } from 'node:worker_threads';

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { urls, method, body, token, concurrency, requests } = workerData;
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
        const response = await fetch(url, {
          method,
          body,
          headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
        });
        await response.arrayBuffer();
        if (!response.ok) {
          failures++;
          firstError ??= url + ': ' + response.status;
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
