"""One run of the job: deadline, cancellation, a start and a summary log line, the exit
code, and a trace span when tracing is on. The task itself is in app/task.py."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol

logger = logging.getLogger("app.runner")

RunStatus = Literal["succeeded", "incomplete", "failed"]


@dataclass(frozen=True)
class TaskResult:
    processed: int
    failed: int
    complete: bool  # False when the run stopped early (deadline or SIGTERM)


@dataclass(frozen=True)
class TaskContext:
    stop: threading.Event  # set at the job's deadline or on SIGTERM: check it between batches
    logger: logging.Logger


class Task(Protocol):
    def __call__(self, ctx: TaskContext) -> TaskResult: ...


@dataclass
class RunOutcome:
    status: RunStatus
    exit_code: int  # 0 only for a complete run without failed items
    duration_seconds: float
    result: TaskResult | None = None
    error: str | None = None
    stop_reason: str | None = None


# Replaced by app/tracing.py when OpenTelemetry is configured: returns a context manager
# that wraps the run in a span and exposes set_attributes(dict).
SpanFactory = Callable[[str], contextlib.AbstractContextManager[Any]]


class _NoSpan:
    def set_attributes(self, attributes: dict[str, Any]) -> None:
        pass

    def record_failure(self, message: str) -> None:
        pass


@contextlib.contextmanager
def no_span(_name: str):
    yield _NoSpan()


def run_once(
    task: Task,
    *,
    deadline_seconds: float,
    stop: threading.Event | None = None,
    span: SpanFactory = no_span,
    clock: Callable[[], float] = time.monotonic,
) -> RunOutcome:
    stop = stop or threading.Event()
    reason: dict[str, str] = {}

    def deadline_reached() -> None:
        reason.setdefault("stop", "deadline reached")
        stop.set()

    timer = threading.Timer(deadline_seconds, deadline_reached)
    timer.daemon = True
    started = clock()
    with span("job.run") as current:
        logger.info("run started", extra={"deadline_seconds": deadline_seconds})
        timer.start()
        try:
            result = task(TaskContext(stop=stop, logger=logging.getLogger("app.task")))
        except Exception as exc:  # noqa: BLE001 - any failure fails the run
            outcome = RunOutcome("failed", 1, clock() - started, error=f"{type(exc).__name__}: {exc}")
        else:
            status: RunStatus = "incomplete" if not result.complete else "failed" if result.failed else "succeeded"
            outcome = RunOutcome(status, 0 if status == "succeeded" else 1, clock() - started, result)
            current.set_attributes({f"job.{k}": v for k, v in asdict(result).items()})
        finally:
            timer.cancel()
        if stop.is_set() and outcome.status != "succeeded":
            outcome.stop_reason = reason.get("stop", "stop requested")
        current.set_attributes({"job.status": outcome.status})
        if outcome.status != "succeeded":
            current.record_failure(outcome.error or outcome.stop_reason or outcome.status)

    summary = {
        "status": outcome.status,
        "duration_seconds": round(outcome.duration_seconds, 3),
        **(asdict(outcome.result) if outcome.result else {}),
    }
    if outcome.error:
        summary["error"] = outcome.error
    if outcome.stop_reason:
        summary["stop_reason"] = outcome.stop_reason
    logger.log(logging.INFO if outcome.status == "succeeded" else logging.ERROR, "run finished", extra=summary)
    return outcome
