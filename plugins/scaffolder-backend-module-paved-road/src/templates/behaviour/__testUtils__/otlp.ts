import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One export a generated project sent. */
export interface OtlpExport {
  /** `/v1/traces` or `/v1/metrics`. */
  path: string;
  /** Date.now() when the body had arrived. */
  at: number;
  body: Buffer;
}

/**
 * A tiny OTLP/HTTP collector on a random loopback port: accepts every POST, answers an
 * empty (valid) protobuf response, and remembers what arrived and when.
 */
export async function startOtlpReceiver() {
  const exports: OtlpExport[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      exports.push({
        path: (req.url ?? '').split('?')[0] ?? '',
        at: Date.now(),
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    exports,
    /** Trace exports that arrived within [from, to] and contain `text` (a span or route name). */
    traces(from: number, to: number, text: string) {
      return exports.filter(
        e =>
          e.path === '/v1/traces' &&
          e.at >= from &&
          e.at <= to &&
          e.body.includes(text),
      );
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The environment that points a generated project's OpenTelemetry SDK at `endpoint`. */
export function otelEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_SAMPLER: 'always_on',
    // Nothing is exported on a timer during the test: what arrives was flushed at shutdown.
    OTEL_BSP_SCHEDULE_DELAY: '600000',
    OTEL_METRIC_EXPORT_INTERVAL: '600000',
    OTEL_LOGS_EXPORTER: 'none',
  };
}
