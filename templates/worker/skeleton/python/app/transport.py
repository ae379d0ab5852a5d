"""What the worker needs from Kafka, independent of the client library.

KafkaTransport (app/kafka_transport.py) in production; tests/fake_transport.py in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class IncomingMessage:
    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes | None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutgoingMessage:
    key: str | None
    value: bytes | None
    headers: dict[str, str] = field(default_factory=dict)


# Called for each message, one at a time. The transport commits the offset only after it
# returns; an exception means "not handled" and the message is delivered again.
MessageCallback = Callable[[IncomingMessage], None]


class Transport(Protocol):
    def run(self, on_message: MessageCallback) -> None:
        """Consume until stop() is called (KafkaTransport raises FatalKafkaError on an error
        reconnecting cannot fix)."""

    def send(self, topic: str, message: OutgoingMessage) -> None:
        """Publish to another topic (the dead-letter topic); returns once acknowledged."""

    def is_ready(self) -> bool:
        """In the consumer group and able to consume."""

    def stop(self) -> None:
        """Finish the message in hand, commit, leave the group."""
