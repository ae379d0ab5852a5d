"""Kafka publisher (confluent-kafka). Idempotent producer, acks from all in-sync replicas."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping

from confluent_kafka import KafkaException, Producer

from app.config import Settings
from app.events import EventEnvelope, EventInput, EventPublisher, InMemoryEventPublisher, envelope

logger = logging.getLogger("app.events")


class KafkaEventPublisher:
    def __init__(self, producer: Producer, topic: str, timeout_seconds: float = 10.0) -> None:
        self._producer = producer
        self._topic = topic
        self._timeout = timeout_seconds

    def publish(self, event: EventInput) -> EventEnvelope:
        e = envelope(event)
        errors: list[Exception] = []

        def delivered(err, _msg) -> None:
            if err is not None:
                errors.append(KafkaException(err))

        self._producer.produce(
            self._topic,
            key=e["key"].encode(),
            value=json.dumps(e).encode(),
            headers={"ce-id": e["id"], "ce-type": e["type"], "ce-source": e["source"]},
            on_delivery=delivered,
        )
        # Wait for the broker's acknowledgement so the caller knows the event is durable.
        remaining = self._producer.flush(self._timeout)
        if remaining:
            raise TimeoutError(f"event {e['id']} not acknowledged within {self._timeout}s")
        if errors:
            raise errors[0]
        return e

    def close(self) -> None:
        self._producer.flush(self._timeout)


def _ssl_ca(tls: bool, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """KAFKA_CA_FILE (a PEM bundle: the ca.crt of the -kafka secret) is the CA the brokers'
    certificates are checked against; no public CA signs in-cluster broker names, so without
    it only the system trust store is used. Fails at start-up, naming the variable and the
    path, when the file cannot be used."""
    path = environ.get("KAFKA_CA_FILE")
    if not path:
        return {}
    if not tls:
        raise ValueError("KAFKA_CA_FILE is set but KAFKA_TLS=false: a CA only applies to TLS connections")
    try:
        with open(path, "rb") as f:
            pem = f.read()
    except OSError as exc:
        raise ValueError(f"KAFKA_CA_FILE={path} cannot be read: {exc.strerror or exc}") from exc
    if b"-----BEGIN CERTIFICATE-----" not in pem:
        raise ValueError(f"KAFKA_CA_FILE={path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    return {"ssl.ca.location": path}


def create_event_publisher(settings: Settings) -> EventPublisher:
    if not settings.kafka_brokers:
        logger.warning("KAFKA_BROKERS is not set: events are kept in memory and never delivered")
        return InMemoryEventPublisher()
    protocol = ("SASL_" if settings.kafka_sasl_username else "") + ("SSL" if settings.kafka_tls else "PLAINTEXT")
    config = {
        "bootstrap.servers": ",".join(settings.kafka_brokers),
        "client.id": settings.kafka_client_id,
        "enable.idempotence": True,
        "acks": "all",
        "compression.type": "gzip",
        "security.protocol": protocol,
    } | _ssl_ca(settings.kafka_tls)
    if settings.kafka_sasl_username:
        config |= {
            "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.username": settings.kafka_sasl_username,
            "sasl.password": settings.kafka_sasl_password or "",
        }
    logger.info("connecting to Kafka", extra={"topic": settings.kafka_topic})
    return KafkaEventPublisher(Producer(config), settings.kafka_topic)
