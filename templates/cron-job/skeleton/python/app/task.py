"""YOUR CODE GOES HERE: one run of ${{ values.name }}.

The example works through items from a WorkSource in batches: replace the source with your
real one (a database query, an API) and handle_item with the work per item. Keep a run
idempotent and resumable: it can be retried, stopped at its deadline, or skipped, so mark
items done as you go and let the next run pick up what is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from app.runner import Task, TaskContext, TaskResult


@dataclass(frozen=True)
class WorkItem:
    id: str
    payload: dict[str, Any] = field(default_factory=dict)


class WorkSource(Protocol):
    def next_batch(self, limit: int) -> list[WorkItem]:
        """Up to ``limit`` items that still need work, excluding ones that failed in this run."""

    def mark_done(self, item_id: str) -> None: ...
    def mark_failed(self, item_id: str, reason: str) -> None: ...


class InMemoryWorkSource:
    """In-memory source: local runs and tests."""

    def __init__(self, items: list[WorkItem]) -> None:
        self.items = items
        self.done: set[str] = set()
        self.failed: dict[str, str] = {}

    def next_batch(self, limit: int) -> list[WorkItem]:
        pending = [i for i in self.items if i.id not in self.done and i.id not in self.failed]
        return pending[:limit]

    def mark_done(self, item_id: str) -> None:
        self.done.add(item_id)

    def mark_failed(self, item_id: str, reason: str) -> None:
        self.failed[item_id] = reason


def handle_item(item: WorkItem) -> None:
    """The work for one item. Raise to mark the item failed; the run continues with the rest."""
    amount = item.payload.get("amount")
    if not isinstance(amount, int | float) or amount < 0:
        raise ValueError(f"item {item.id}: amount must be a non-negative number")


def create_task(source: WorkSource, batch_size: int = 100) -> Task:
    def task(ctx: TaskContext) -> TaskResult:
        processed = failed = 0
        while not ctx.stop.is_set():
            batch = source.next_batch(batch_size)
            if not batch:
                return TaskResult(processed, failed, complete=True)
            for item in batch:
                if ctx.stop.is_set():
                    break
                try:
                    handle_item(item)
                except Exception as exc:  # noqa: BLE001 - one bad item must not stop the run
                    failed += 1
                    source.mark_failed(item.id, str(exc))
                    ctx.logger.warning("item failed", extra={"item_id": item.id, "reason": str(exc)})
                else:
                    source.mark_done(item.id)
                    processed += 1
            ctx.logger.debug("batch finished", extra={"processed": processed, "failed": failed})
        return TaskResult(processed, failed, complete=False)

    return task


def example_source() -> WorkSource:
    """Example data for local runs. Replace with your real source."""
    return InMemoryWorkSource([WorkItem(f"example-{i}", {"amount": i * 10}) for i in range(1, 6)])
