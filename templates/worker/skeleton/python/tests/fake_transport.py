"""In-process stand-in for Kafka with the same contract as KafkaTransport: messages are
delivered one at a time, and an offset is "committed" only after the callback returns.
An exception from the callback leaves the message uncommitted (Kafka would deliver it again).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from app.transport import IncomingMessage, MessageCallback, OutgoingMessage

_offsets = itertools.count()


def message(
    *, body: Any = None, value: bytes | None = None, key: str | None = "key-1", headers=None, **kw
) -> IncomingMessage:
    return IncomingMessage(
        topic=kw.get("topic", "${{ values.topic }}"),
        partition=kw.get("partition", 0),
        offset=kw.get("offset", next(_offsets)),
        key=key,
        value=value if value is not None else json.dumps(body if body is not None else {"hello": "world"}).encode(),
        headers=dict(headers or {}),
    )


class FakeTransport:
    def __init__(self) -> None:
        self.sent: list[tuple[str, OutgoingMessage]] = []
        self.committed: list[IncomingMessage] = []
        self.uncommitted: list[IncomingMessage] = []
        self.fail_sends = 0  # make the next N sends fail, like a broker that is down
        self._on_message: MessageCallback | None = None
        self._running = False

    def run(self, on_message: MessageCallback) -> None:
        # The real transport blocks here; the fake just remembers the callback.
        self._on_message = on_message
        self._running = True

    def deliver(self, *messages: IncomingMessage) -> None:
        assert self._on_message is not None, "run() was not called"
        for m in messages:
            try:
                self._on_message(m)
            except Exception:  # noqa: BLE001 - mirrors "not committed"
                self.uncommitted.append(m)
            else:
                self.committed.append(m)

    def send(self, topic: str, message: OutgoingMessage) -> None:
        if self.fail_sends > 0:
            self.fail_sends -= 1
            raise ConnectionError("broker unavailable")
        self.sent.append((topic, message))

    def is_ready(self) -> bool:
        return self._running

    def stop(self) -> None:
        self._running = False
