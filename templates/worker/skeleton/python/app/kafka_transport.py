"""confluent-kafka consumer (at-least-once: manual commit after each message) and DLQ producer."""

from __future__ import annotations

import logging
import threading

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer

from app.config import Settings
from app.transport import IncomingMessage, MessageCallback, OutgoingMessage

logger = logging.getLogger("app.kafka")


def _client_config(settings: Settings) -> dict[str, object]:
    config: dict[str, object] = {
        "bootstrap.servers": ",".join(settings.kafka_brokers),
        "client.id": settings.service_name,
    }
    if settings.kafka_sasl_username:
        config |= {
            "security.protocol": "SASL_SSL" if settings.kafka_tls else "SASL_PLAINTEXT",
            "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.username": settings.kafka_sasl_username,
            "sasl.password": settings.kafka_sasl_password or "",
        }
    else:
        config["security.protocol"] = "SSL" if settings.kafka_tls else "PLAINTEXT"
    return config


class KafkaTransport:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._stopping = threading.Event()
        self._ready = False
        base = _client_config(settings)
        self._consumer = Consumer(
            base
            | {
                "group.id": settings.consumer_group,
                "enable.auto.commit": False,
                # A new group starts from the oldest retained message rather than skipping the backlog.
                "auto.offset.reset": "earliest",
                # Retries with backoff can hold a message for minutes; stay in the group meanwhile.
                "max.poll.interval.ms": 900_000,
            }
        )
        self._producer = Producer(base | {"enable.idempotence": True, "acks": "all"})

    def run(self, on_message: MessageCallback) -> None:
        def assigned(_consumer, partitions) -> None:
            self._ready = True
            logger.info("partitions assigned", extra={"partitions": [p.partition for p in partitions]})

        self._consumer.subscribe([self._settings.topic], on_assign=assigned)
        try:
            while not self._stopping.is_set():
                msg = self._consumer.poll(1.0)
                if msg is None:
                    continue
                if msg.error():
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        continue
                    raise KafkaException(msg.error())
                on_message(
                    IncomingMessage(
                        topic=msg.topic(),
                        partition=msg.partition(),
                        offset=msg.offset(),
                        key=msg.key().decode() if msg.key() is not None else None,
                        value=msg.value(),
                        headers={k: (v or b"").decode() for k, v in (msg.headers() or [])},
                    )
                )
                # Only after the callback returned: a crash before this means redelivery, not loss.
                self._consumer.commit(message=msg, asynchronous=False)
        finally:
            self._ready = False
            self._consumer.close()
            self._producer.flush(10)

    def send(self, topic: str, message: OutgoingMessage) -> None:
        errors: list[KafkaError] = []
        self._producer.produce(
            topic,
            key=message.key.encode() if message.key is not None else None,
            value=message.value,
            headers=message.headers,
            on_delivery=lambda err, _msg: errors.append(err) if err is not None else None,
        )
        if self._producer.flush(10) > 0:
            raise TimeoutError(f"message to {topic} not acknowledged within 10s")
        if errors:
            raise KafkaException(errors[0])

    def is_ready(self) -> bool:
        return self._ready

    def stop(self) -> None:
        self._stopping.set()
