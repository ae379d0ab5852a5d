"""Entry point: ``python -m app``. Consumes until SIGTERM, then finishes the message in
hand, commits and leaves the consumer group."""

from __future__ import annotations

import logging
import os
import signal

from app.config import Settings
from app.handler import handle_message
from app.health import start_health_server
from app.idempotency import InMemoryProcessedMessageStore
from app.logging_config import configure_logging
from app.processor import MessageProcessor, NoopMetrics, WorkerMetrics
from app.tracing import configure_tracing, tracing_enabled

logger = logging.getLogger("app")


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings.service_name, settings.log_level)

    metrics: WorkerMetrics = NoopMetrics()
    shutdown_tracing = None
    if tracing_enabled(os.environ):
        # Before the Kafka clients exist, so the instrumentation wraps them.
        metrics, shutdown_tracing = configure_tracing()

    # Imported here, after configure_tracing(): the instrumentation replaces confluent-kafka's
    # Producer and Consumer classes, and kafka_transport must pick up the instrumented ones.
    from app.kafka_transport import KafkaTransport

    transport = KafkaTransport(settings)
    processor = MessageProcessor(
        handler=handle_message,
        store=InMemoryProcessedMessageStore(settings.processed_store_size),
        dead_letters=transport,
        dlq_topic=settings.dlq_topic,
        max_retries=settings.max_retries,
        base_delay_ms=settings.retry_base_delay_ms,
        max_delay_ms=settings.retry_max_delay_ms,
        metrics=metrics,
    )

    health = start_health_server(settings.health_port, transport.is_ready)

    def stop(signum: int, _frame: object) -> None:
        logger.info("shutting down: finishing the message in hand", extra={"signal": signal.Signals(signum).name})
        transport.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    logger.info(
        "consuming",
        extra={"topic": settings.topic, "group": settings.consumer_group, "dlq": settings.dlq_topic},
    )
    try:
        transport.run(processor.process)
    finally:
        health.shutdown()
        if shutdown_tracing is not None:
            shutdown_tracing()
        logger.info("stopped")


if __name__ == "__main__":
    main()
