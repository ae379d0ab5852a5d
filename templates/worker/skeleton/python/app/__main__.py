"""Entry point: ``python -m app``. Consumes until SIGTERM, then finishes the message in
hand, commits and leaves the consumer group."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from datetime import UTC, datetime
from typing import NoReturn

from app.config import Settings
from app.handler import handle_message
from app.health import Liveness, start_health_server
from app.idempotency import InMemoryProcessedMessageStore
from app.logging_config import configure_logging
from app.processor import MessageProcessor, NoopMetrics, WorkerMetrics
from app.tracing import configure_tracing, tracing_enabled

logger = logging.getLogger("app")


def _start_up_failed(exc: Exception) -> NoReturn:
    entry = {"time": datetime.now(tz=UTC).isoformat(), "level": "critical", "message": "start-up failed"}
    sys.stderr.write(json.dumps(entry | {"error": str(exc)}) + "\n")
    raise SystemExit(1)


def main() -> None:
    try:
        settings = Settings.from_env()
    except ValueError as exc:  # e.g. KAFKA_CA_FILE missing, with the path
        _start_up_failed(exc)
    configure_logging(settings.service_name, settings.log_level)

    metrics: WorkerMetrics = NoopMetrics()
    shutdown_tracing = None
    if tracing_enabled(os.environ):
        # Before the Kafka clients exist, so the instrumentation wraps them.
        metrics, shutdown_tracing = configure_tracing()

    # Imported here, after configure_tracing(): the instrumentation replaces confluent-kafka's
    # Producer and Consumer classes, and kafka_transport must pick up the instrumented ones.
    from confluent_kafka import KafkaException

    from app.kafka_transport import FatalKafkaError, KafkaTransport

    liveness = Liveness(settings.liveness_max_age_seconds)
    try:
        transport = KafkaTransport(settings, liveness=liveness)
    except KafkaException as exc:  # librdkafka rejected the configuration (e.g. an unusable CA file)
        _start_up_failed(exc)
    processor = MessageProcessor(
        handler=handle_message,
        store=InMemoryProcessedMessageStore(settings.processed_store_size),
        dead_letters=transport,
        dlq_topic=settings.dlq_topic,
        max_retries=settings.max_retries,
        base_delay_ms=settings.retry_base_delay_ms,
        max_delay_ms=settings.retry_max_delay_ms,
        metrics=metrics,
        heartbeat=liveness.beat,
    )

    health = start_health_server(settings.health_port, transport.is_ready, liveness)

    def stop(signum: int, _frame: object) -> None:
        logger.info("shutting down: finishing the message in hand", extra={"signal": signal.Signals(signum).name})
        transport.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    logger.info(
        "consuming",
        extra={"topic": settings.topic, "group": settings.consumer_group, "dlq": settings.dlq_topic},
    )
    exit_code = 0
    try:
        transport.run(processor.process)
    except FatalKafkaError:
        # Authorization or authentication failure, a topic that does not exist, or a fatal
        # librdkafka error (the transport logged which): exit non-zero so Kubernetes restarts
        # the pod. Routine broker errors never get here: the client reconnects.
        exit_code = 1
    finally:
        health.shutdown()
        if shutdown_tracing is not None:
            shutdown_tracing()
        logger.info("stopped", extra={"exit_code": exit_code})
    if exit_code:
        sys.exit(exit_code)


if __name__ == "__main__":
    main()
