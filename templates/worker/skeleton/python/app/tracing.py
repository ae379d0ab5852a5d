"""OpenTelemetry tracing and metrics, exported with OTLP to the cluster's collector.

``app/__main__.py`` calls :func:`configure_tracing` at start-up **only when
OTEL_EXPORTER_OTLP_ENDPOINT is set** (Kubernetes sets it; local runs and tests do not),
and before the Kafka clients are created, so the confluent-kafka instrumentation wraps
them: consumer spans continue the producer's trace from the message headers.
The OpenTelemetry packages are in requirements.txt and always in the image; they are
imported inside the function so that the tests and local runs do not depend on them
(Debian's packaged Python, for one, ships no OpenTelemetry). See docs/quickstart.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app import logging_config
from app.processor import Outcome, WorkerMetrics


def tracing_enabled(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")) and (environ.get("OTEL_SDK_DISABLED", "").lower() != "true")


def configure_tracing() -> tuple[WorkerMetrics, Callable[[], None]]:
    """Set up exporters and instrumentation; returns the worker's metrics and a flush function."""
    from opentelemetry import metrics, trace
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.confluent_kafka import ConfluentKafkaInstrumentor
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # Resource.create() reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
    resource = Resource.create()
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(tracer_provider)
    meter_provider = MeterProvider(
        resource=resource,
        metric_readers=[PeriodicExportingMetricReader(OTLPMetricExporter())],
    )
    metrics.set_meter_provider(meter_provider)
    ConfluentKafkaInstrumentor().instrument()

    meter = metrics.get_meter("${{ values.name }}")
    messages = meter.create_counter(
        "worker.messages", description="Messages finished, by outcome: processed, duplicate, dead_lettered"
    )
    retries = meter.create_counter("worker.retries", description="Handler retries")
    duration = meter.create_histogram(
        "worker.processing.duration",
        unit="s",
        description="Time from receiving a message to finishing it, retries included",
        # In seconds. The SDK's default buckets (0, 5, 10, 25 ... 10000) are sized for
        # milliseconds: every message would land in the first bucket.
        explicit_bucket_boundaries_advisory=[
            0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120,
        ],
    )

    class OtelMetrics:
        def record_outcome(self, outcome: Outcome, duration_seconds: float) -> None:
            messages.add(1, {"outcome": outcome})
            duration.record(duration_seconds, {"outcome": outcome})

        def record_retry(self) -> None:
            retries.add(1)

    def current_trace() -> dict[str, str]:
        ctx = trace.get_current_span().get_span_context()
        if not ctx.is_valid:
            return {}
        return {"trace_id": format(ctx.trace_id, "032x"), "span_id": format(ctx.span_id, "016x")}

    logging_config.trace_context = current_trace

    def shutdown() -> None:
        tracer_provider.shutdown()
        meter_provider.shutdown()

    return OtelMetrics(), shutdown
