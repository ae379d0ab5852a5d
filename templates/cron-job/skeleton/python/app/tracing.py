"""OpenTelemetry tracing, exported with OTLP to the cluster's collector.

``app/__main__.py`` calls :func:`configure_tracing` at start-up **only when
OTEL_EXPORTER_OTLP_ENDPOINT is set** (Kubernetes sets it; local runs and tests do not).
The OpenTelemetry packages are in requirements.txt and always in the image; they are
imported inside the function so that the tests and local runs do not depend on them
(Debian's packaged Python, for one, ships no OpenTelemetry). See docs/quickstart.md.
A job is a short-lived process: the returned shutdown function must run before exit, or
the spans are lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping

from app import logging_config
from app.runner import SpanFactory


def tracing_enabled(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")) and (environ.get("OTEL_SDK_DISABLED", "").lower() != "true")


def configure_tracing() -> tuple[SpanFactory, Callable[[], None]]:
    """Set up the exporter; returns the run's span factory and the flush function."""
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.trace import Status, StatusCode

    provider = TracerProvider(resource=Resource.create())
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    tracer = trace.get_tracer("${{ values.name }}")

    class RunSpan:
        def __init__(self, span) -> None:
            self._span = span

        def set_attributes(self, attributes) -> None:
            self._span.set_attributes(attributes)

        def record_failure(self, message: str) -> None:
            self._span.set_status(Status(StatusCode.ERROR, message))

    @contextlib.contextmanager
    def span(name: str):
        with tracer.start_as_current_span(name) as current:
            yield RunSpan(current)

    def current_trace() -> dict[str, str]:
        ctx = trace.get_current_span().get_span_context()
        if not ctx.is_valid:
            return {}
        return {"trace_id": format(ctx.trace_id, "032x"), "span_id": format(ctx.span_id, "016x")}

    logging_config.trace_context = current_trace
    return span, provider.shutdown
