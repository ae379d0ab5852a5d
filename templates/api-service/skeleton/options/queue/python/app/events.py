"""Domain events: a CloudEvents-shaped envelope and the publisher interface.

The Kafka implementation is in app/kafka_publisher.py; tests and local runs without
KAFKA_BROKERS use :class:`InMemoryEventPublisher`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Protocol, TypedDict


class EventInput(TypedDict):
    type: str  # dotted, past tense: "greeting.created"
    key: str  # partition key: events with the same key keep their order
    data: dict[str, Any]


class EventEnvelope(EventInput):
    id: str  # consumers de-duplicate on this
    source: str
    time: str
    specversion: str


def envelope(event: EventInput, source: str = "${{ values.name }}", now: datetime | None = None) -> EventEnvelope:
    moment = now or datetime.now(tz=UTC)
    return EventEnvelope(
        type=event["type"],
        key=event["key"],
        data=event["data"],
        id=str(uuid.uuid4()),
        source=source,
        time=moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        specversion="1.0",
    )


class EventPublisher(Protocol):
    def publish(self, event: EventInput) -> EventEnvelope: ...
    def close(self) -> None: ...


class InMemoryEventPublisher:
    def __init__(self) -> None:
        self.published: list[EventEnvelope] = []
        self.fail_with: Exception | None = None

    def publish(self, event: EventInput) -> EventEnvelope:
        if self.fail_with is not None:
            raise self.fail_with
        e = envelope(event)
        self.published.append(e)
        return e

    def close(self) -> None:
        pass
