"""OpenTelemetry tracing and metrics, exported with OTLP to the cluster's collector.

``app/__main__.py`` calls :func:`configure_tracing` at start-up **only when
OTEL_EXPORTER_OTLP_ENDPOINT is set** (Kubernetes sets it; local runs and tests do not).
The OpenTelemetry packages are in requirements.txt and always in the image; they are
imported inside the function so that the tests and local runs do not depend on them
(Debian's packaged Python, for one, ships no OpenTelemetry). See docs/quickstart.md.

Everything else is configured with the standard OTEL_* variables (service name, resource
attributes, sampler).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import FastAPI

from app import logging_config

PROBE_PATHS = "healthz,readyz"


def tracing_enabled(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")) and (environ.get("OTEL_SDK_DISABLED", "").lower() != "true")


def configure_tracing(app: FastAPI) -> Callable[[], None]:
    """Set up exporters and instrument ``app``; returns the function that flushes them."""
    from opentelemetry import metrics, trace
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
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
    # Probes would be most of the traces otherwise.
    FastAPIInstrumentor.instrument_app(app, excluded_urls=PROBE_PATHS)

    def current_trace() -> dict[str, str]:
        ctx = trace.get_current_span().get_span_context()
        if not ctx.is_valid:
            return {}
        return {"trace_id": format(ctx.trace_id, "032x"), "span_id": format(ctx.span_id, "016x")}

    logging_config.trace_context = current_trace

    def shutdown() -> None:
        tracer_provider.shutdown()
        meter_provider.shutdown()

    return shutdown
