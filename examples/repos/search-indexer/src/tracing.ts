// OpenTelemetry tracing and metrics. Preloaded before the app (`node --require
// ./dist/tracing.js dist/main.js`) so the instrumentations patch kafkajs and pino before
// anything loads them: consumer spans continue the producer's trace from the message
// headers. main.ts imports it first as well, which is a no-op when it was preloaded.
//
// Everything is configured with the standard OTEL_* environment variables (see
// k8s/deployment.yaml). Nothing starts unless OTEL_EXPORTER_OTLP_ENDPOINT is set, so
// local runs and tests export nothing; OTEL_SDK_DISABLED=true turns it off explicitly.
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { IncomingMessage } from 'node:http';

const PROBE_PATHS = new Set(['/healthz', '/readyz']);

export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT) && env.OTEL_SDK_DISABLED !== 'true';
}

let sdk: NodeSDK | undefined;

if (tracingEnabled()) {
  sdk = new NodeSDK({
    instrumentations: [
      getNodeAutoInstrumentations({
        // File-system spans are noise for a service.
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-http': {
          // Kubernetes probes on the health port would be most of the traces otherwise.
          ignoreIncomingRequestHook: (req: IncomingMessage) =>
            PROBE_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
        },
      }),
    ],
  });
  sdk.start();
}

/** Flushes pending spans and metrics. Called by main.ts during graceful shutdown. */
export async function shutdownTracing(): Promise<void> {
  await sdk?.shutdown();
}
