"""confluent-kafka consumer (at-least-once: manual commit after each message) and DLQ producer.

Broker trouble is routine: librdkafka reconnects by itself and reports what happens as
KafkaError objects, through ``error_cb`` (``_TRANSPORT``, ``_ALL_BROKERS_DOWN``...) or as
error messages from ``poll()`` (``NOT_COORDINATOR``, ``LEADER_NOT_AVAILABLE``...). Those are
logged and consuming goes on once the cluster is back. A message whose dead-letter publish
fails (``_MSG_TIMED_OUT``...) is rewound and retried with backoff; a failed commit means
the message may come again (the processed-message store skips it).

Only errors no reconnect can fix stop the worker: :class:`FatalKafkaError` out of
:meth:`KafkaTransport.run`, exit code 1, and Kubernetes restarts the pod (picking up fixed
ACLs or a rotated secret): ``KafkaError.fatal()``, authorization or authentication failures,
and a subscribed topic still unknown after KAFKA_UNKNOWN_TOPIC_GRACE_SECONDS.
"""

from __future__ import annotations

import logging
import threading
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

from app.config import Settings
from app.health import Liveness
from app.processor import backoff_delay
from app.transport import IncomingMessage, MessageCallback, OutgoingMessage

logger = logging.getLogger("app.kafka")

# Restarting the client cannot fix these: exit, and let Kubernetes restart the pod.
_FATAL_CODES = frozenset(
    {
        KafkaError.TOPIC_AUTHORIZATION_FAILED,
        KafkaError.GROUP_AUTHORIZATION_FAILED,
        KafkaError.CLUSTER_AUTHORIZATION_FAILED,
        KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
        KafkaError.SASL_AUTHENTICATION_FAILED,
        KafkaError._AUTHENTICATION,  # SASL credentials rejected (the -kafka secret)
        KafkaError._FATAL,  # what error_cb receives for a fatal client error
    }
)
_UNKNOWN_TOPIC_CODES = frozenset({KafkaError.UNKNOWN_TOPIC_OR_PART, KafkaError._UNKNOWN_TOPIC})

# Backoff before consuming a message again whose dead-letter publish failed.
REWIND_BASE_DELAY_MS = 1_000
REWIND_MAX_DELAY_MS = 30_000


class FatalKafkaError(Exception):
    """A Kafka error that reconnecting cannot fix; the worker must exit non-zero."""

    def __init__(self, reason: str, error: KafkaError | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


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
    if settings.kafka_ca_file:
        # KAFKA_CA_FILE: trust the cluster's CA (the system store does not know it).
        config["ssl.ca.location"] = settings.kafka_ca_file
    return config


def _error_fields(err: KafkaError) -> dict[str, object]:
    return {"kafka_error": err.name(), "kafka_error_code": err.code(), "detail": err.str()}


class KafkaTransport:
    def __init__(self, settings: Settings, *, liveness: Liveness | None = None) -> None:
        self._settings = settings
        self._liveness = liveness
        self._stopping = threading.Event()
        self._ready = False
        self._fatal: FatalKafkaError | None = None
        self._unknown_topic_since: float | None = None
        # error_cb: librdkafka's connection-level errors, served from poll()/flush() on this thread.
        base = _client_config(settings) | {"error_cb": self._on_client_error}
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
        """Consume until stop(); raises FatalKafkaError on an error reconnecting cannot fix."""
        topic = self._settings.topic

        def assigned(_consumer, partitions) -> None:
            self._ready = True
            if any(p.topic == topic for p in partitions):
                self._unknown_topic_since = None
            logger.info("partitions assigned", extra={"partitions": [p.partition for p in partitions]})

        def revoked(_consumer, partitions) -> None:
            self._ready = False
            logger.info("partitions revoked", extra={"partitions": [p.partition for p in partitions]})

        self._consumer.subscribe([topic], on_assign=assigned, on_revoke=revoked, on_lost=revoked)
        failures = 0
        try:
            while not self._stopping.is_set():
                msg = self._consumer.poll(1.0)
                # Every return of poll(), empty or not, shows the loop is alive.
                self._beat()
                self._raise_if_fatal()
                if msg is None:
                    continue
                err = msg.error()
                if err is not None:
                    self._on_consumer_error(err)
                    continue
                self._unknown_topic_since = None
                try:
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
                except Exception as exc:  # noqa: BLE001 - not handled: rewind, back off, retry
                    self._raise_if_fatal()
                    self._raise_if_fatal_exception(exc)
                    delay = backoff_delay(failures, REWIND_BASE_DELAY_MS, REWIND_MAX_DELAY_MS)
                    failures += 1
                    logger.warning(
                        "message not handled (dead-letter publish failed?): it will be consumed again",
                        extra={
                            "topic": msg.topic(),
                            "partition": msg.partition(),
                            "offset": msg.offset(),
                            "retry_in_s": delay,
                            "error": repr(exc),
                        },
                    )
                    self._rewind(msg)
                    self._pause(delay)
                    continue
                failures = 0
                # Only after the callback returned: a crash before this means redelivery, not loss.
                self._commit(msg)
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

    # -- error handling --------------------------------------------------------------------

    def _beat(self) -> None:
        if self._liveness is not None:
            self._liveness.beat()

    def _fatal_reason(self, err: KafkaError, *, subscribed_topic: bool = False) -> str | None:
        if err.fatal():
            return f"{err.name()} (fatal): {err.str()}"
        if err.code() in _FATAL_CODES:
            return f"{err.name()}: {err.str()}"
        if subscribed_topic and err.code() in _UNKNOWN_TOPIC_CODES:
            now = time.monotonic()
            if self._unknown_topic_since is None:
                self._unknown_topic_since = now
            waited = now - self._unknown_topic_since
            if waited >= self._settings.unknown_topic_grace_seconds:
                return f"{err.name()}: topic {self._settings.topic} still unknown after {waited:.0f} s"
        return None

    def _on_client_error(self, err: KafkaError) -> None:
        """librdkafka's error_cb, for the consumer and the dead-letter producer."""
        self._classify(err, source="client")

    def _on_consumer_error(self, err: KafkaError) -> None:
        if err.code() == KafkaError._PARTITION_EOF:
            return
        self._classify(err, source="consumer", subscribed_topic=True)
        self._raise_if_fatal()

    def _classify(self, err: KafkaError, *, source: str, subscribed_topic: bool = False) -> None:
        reason = self._fatal_reason(err, subscribed_topic=subscribed_topic)
        if reason is not None:
            if self._fatal is None:
                self._fatal = FatalKafkaError(reason, err)
            return
        logger.warning(
            "Kafka error: routine, the client reconnects and retries by itself",
            extra={**_error_fields(err), "source": source},
        )

    def _raise_if_fatal_exception(self, exc: BaseException) -> None:
        if isinstance(exc, KafkaException) and exc.args and isinstance(exc.args[0], KafkaError):
            reason = self._fatal_reason(exc.args[0])
            if reason is not None:
                self._fatal = self._fatal or FatalKafkaError(reason, exc.args[0])
                self._raise_if_fatal()

    def _raise_if_fatal(self) -> None:
        if self._fatal is None:
            return
        self._ready = False
        fields = _error_fields(self._fatal.error) if self._fatal.error is not None else {}
        logger.critical(
            "Kafka consumer stopped on a fatal error (%s): exiting so Kubernetes restarts the pod",
            self._fatal.reason,
            extra={**fields, "reason": self._fatal.reason, "topic": self._settings.topic},
        )
        raise self._fatal

    def _commit(self, msg) -> None:
        try:
            self._consumer.commit(message=msg, asynchronous=False)
        except KafkaException as exc:
            self._raise_if_fatal_exception(exc)
            err = exc.args[0] if exc.args and isinstance(exc.args[0], KafkaError) else None
            logger.warning(
                "offset commit failed (rebalance or broker restart): the message may be consumed again",
                extra={**(_error_fields(err) if err is not None else {"error": repr(exc)}), "offset": msg.offset()},
            )

    def _rewind(self, msg) -> None:
        """Consume `msg` again: seek its partition back to it."""
        try:
            self._consumer.seek(TopicPartition(msg.topic(), msg.partition(), msg.offset()))
        except KafkaException as exc:
            # Revoked meanwhile: its next owner starts from the last committed offset anyway.
            logger.warning("could not rewind to the message", extra={"error": repr(exc), "offset": msg.offset()})

    def _pause(self, seconds: float) -> None:
        """Back off, still beating liveness, until `seconds` passed or stop()."""
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._beat()
            self._stopping.wait(min(1.0, remaining))
