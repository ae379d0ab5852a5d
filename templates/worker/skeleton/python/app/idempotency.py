"""Remembers which messages were handled, so a redelivered message is skipped.

Kafka delivers at least once: after a rebalance or a crash, messages whose offsets were
not committed yet come again. Implement :class:`ProcessedMessageStore` on your database (a
table with the id as primary key, written in the same transaction as the handler's side
effects) when a duplicate must never get through; the in-memory store is per pod.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol


class ProcessedMessageStore(Protocol):
    def has(self, message_id: str) -> bool: ...
    def mark_processed(self, message_id: str) -> None: ...


class InMemoryProcessedMessageStore:
    """Bounded in-memory store: forgets the oldest ids beyond ``max_entries``."""

    def __init__(self, max_entries: int = 100_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max = max_entries
        self._ids: OrderedDict[str, None] = OrderedDict()

    def has(self, message_id: str) -> bool:
        return message_id in self._ids

    def mark_processed(self, message_id: str) -> None:
        self._ids.pop(message_id, None)
        self._ids[message_id] = None
        while len(self._ids) > self._max:
            self._ids.popitem(last=False)

    def __len__(self) -> int:
        return len(self._ids)
