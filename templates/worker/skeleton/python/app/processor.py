"""Idempotency, retries with backoff, dead-lettering: the part of a worker nobody should rewrite."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal, Protocol

from app.handler import HandlerContext, MessageHandler, ParsedMessage, PermanentError
from app.idempotency import ProcessedMessageStore
from app.logging_config import ContextLogger
from app.transport import IncomingMessage, OutgoingMessage

Outcome = Literal["processed", "duplicate", "dead_lettered"]

logger = logging.getLogger("app.processor")


class WorkerMetrics(Protocol):
    """Where the processor reports what happened; app/tracing.py sends it to OpenTelemetry."""

    def record_outcome(self, outcome: Outcome, duration_seconds: float) -> None: ...
    def record_retry(self) -> None: ...


class NoopMetrics:
    def record_outcome(self, outcome: Outcome, duration_seconds: float) -> None:
        pass

    def record_retry(self) -> None:
        pass


class DeadLetterSender(Protocol):
    def send(self, topic: str, message: OutgoingMessage) -> None: ...


def backoff_delay(retry: int, base_ms: int, max_ms: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry number ``retry`` (0-based): exponential from ``base_ms``,
    capped at ``max_ms``, with "equal jitter" (half fixed, half random) so retries from many
    pods spread out instead of hammering a recovering dependency together."""
    exp = min(max_ms, base_ms * 2**retry)
    return round(exp / 2 + rand() * exp / 2) / 1000


def message_id(message: IncomingMessage) -> str:
    return message.headers.get("ce-id") or f"{message.topic}/{message.partition}/{message.offset}"


class MessageProcessor:
    def __init__(
        self,
        *,
        handler: MessageHandler,
        store: ProcessedMessageStore,
        dead_letters: DeadLetterSender,
        dlq_topic: str,
        max_retries: int,
        base_delay_ms: int = 200,
        max_delay_ms: int = 30_000,
        metrics: WorkerMetrics | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        heartbeat: Callable[[], None] = lambda: None,
    ) -> None:
        self.handler = handler
        self.store = store
        self.dead_letters = dead_letters
        self.dlq_topic = dlq_topic
        self.max_retries = max_retries
        self.base_delay_ms = base_delay_ms
        self.max_delay_ms = max_delay_ms
        self.metrics = metrics or NoopMetrics()
        self.sleep = sleep
        self.rand = rand
        self.clock = clock
        # Called around each retry backoff: the consume loop is alive while it waits.
        self.heartbeat = heartbeat

    def process(self, message: IncomingMessage) -> Outcome:
        """Handle one message. Returns when it is done with (processed, skipped as a duplicate,
        or dead-lettered), so its offset can be committed. Raises only when the dead-letter
        publish itself fails: then the offset must not be committed."""
        started = self.clock()
        mid = message_id(message)
        log = ContextLogger(
            logger,
            {"message_id": mid, "topic": message.topic, "partition": message.partition, "offset": message.offset},
        )

        if self.store.has(mid):
            log.info("duplicate message skipped")
            return self._finish("duplicate", started)

        try:
            body = json.loads(message.value or b"")
        except ValueError:
            self._dead_letter(message, PermanentError("message value is not valid JSON"), 1, log)
            self.store.mark_processed(mid)
            return self._finish("dead_lettered", started)
        parsed = ParsedMessage(id=mid, key=message.key, headers=message.headers, body=body)

        attempt = 1
        while True:
            try:
                self.handler(parsed, HandlerContext(logger=log, attempt=attempt))
            except Exception as exc:  # noqa: BLE001 - any handler failure is retried or dead-lettered
                if isinstance(exc, PermanentError) or attempt > self.max_retries:
                    self._dead_letter(message, exc, attempt, log)
                    self.store.mark_processed(mid)
                    return self._finish("dead_lettered", started)
                delay = backoff_delay(attempt - 1, self.base_delay_ms, self.max_delay_ms, self.rand)
                log.warning(
                    "handler failed, will retry",
                    extra={"attempt": attempt, "retry_in_s": delay, "error": repr(exc)},
                )
                self.metrics.record_retry()
                self.heartbeat()
                self.sleep(delay)
                self.heartbeat()
                attempt += 1
                continue
            self.store.mark_processed(mid)
            return self._finish("processed", started)

    def _dead_letter(self, message: IncomingMessage, exc: Exception, attempts: int, log: ContextLogger) -> None:
        headers = {
            **message.headers,
            "x-error": f"{type(exc).__name__}: {exc}"[:1000],
            "x-attempts": str(attempts),
            "x-original-topic": message.topic,
            "x-original-partition": str(message.partition),
            "x-original-offset": str(message.offset),
            "x-dead-lettered-at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        }
        self.dead_letters.send(self.dlq_topic, OutgoingMessage(key=message.key, value=message.value, headers=headers))
        log.error(
            "message dead-lettered", extra={"attempts": attempts, "dlq_topic": self.dlq_topic, "error": repr(exc)}
        )

    def _finish(self, outcome: Outcome, started: float) -> Outcome:
        self.metrics.record_outcome(outcome, self.clock() - started)
        return outcome
