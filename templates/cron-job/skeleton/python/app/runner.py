"""One run of the job: deadline, cancellation, a start and a summary log line, the exit
code, and a trace span when tracing is on. The task itself is in app/task.py."""

from __future__ import annotations

import contextlib
import contextvars
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


class StopEvent(threading.Event):
    """The stop passed to :func:`run_once` from outside; ``reason`` ends up in the summary."""

    def __init__(self) -> None:
        super().__init__()
        self.reason: str | None = None

    def request(self, reason: str) -> None:
        if not self.is_set():
            self.reason = reason
        self.set()


@dataclass
class RunOutcome:
    status: RunStatus
    exit_code: int  # 0 only for a complete run without failed items
    duration_seconds: float
    result: TaskResult | None = None
    error: str | None = None
    stop_reason: str | None = None
    abandoned: bool = False  # the task did not return within stop_timeout_seconds of the stop


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


def _run_in_thread(task: Task, ctx: TaskContext, stop_timeout_seconds: float) -> dict[str, Any] | None:
    """Runs the task in a worker thread and waits for it; from the moment ``ctx.stop`` is set, for
    ``stop_timeout_seconds`` at most. Returns ``{"result": ...}`` or ``{"error": ...}``, or None
    when the task was abandoned (the daemon thread dies with the process)."""
    done = threading.Event()
    box: dict[str, Any] = {}
    # The task's logs and spans belong to the run's trace.
    context = contextvars.copy_context()

    def target() -> None:
        try:
            box["result"] = context.run(task, ctx)
        except BaseException as exc:  # noqa: BLE001 - any failure fails the run
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="task", daemon=True).start()
    # Short waits: the main thread stays free to run the SIGTERM handler.
    while not done.wait(0.2):
        if ctx.stop.is_set():
            done.wait(stop_timeout_seconds)
            break
    return box if done.is_set() else None


def run_once(
    task: Task,
    *,
    deadline_seconds: float,
    stop: threading.Event | None = None,
    span: SpanFactory = no_span,
    clock: Callable[[], float] = time.monotonic,
    stop_timeout_seconds: float = 20.0,
) -> RunOutcome:
    """Runs ``task`` once. ``stop`` is set at ``deadline_seconds`` or from outside (SIGTERM); a task
    that has not returned ``stop_timeout_seconds`` later (stuck in a call that ignores ``stop``) is
    abandoned, and the run is reported as incomplete while there is still time to flush traces."""
    stop = stop or threading.Event()
    reason: dict[str, str] = {}

    def deadline_reached() -> None:
        if not stop.is_set():
            reason["stop"] = "deadline reached"
        stop.set()

    def stop_reason() -> str:
        return reason.get("stop") or getattr(stop, "reason", None) or "stop requested"

    timer = threading.Timer(deadline_seconds, deadline_reached)
    timer.daemon = True
    started = clock()
    with span("job.run") as current:
        logger.info(
            "run started",
            extra={"deadline_seconds": deadline_seconds, "stop_timeout_seconds": stop_timeout_seconds},
        )
        timer.start()
        try:
            ctx = TaskContext(stop=stop, logger=logging.getLogger("app.task"))
            ran = _run_in_thread(task, ctx, stop_timeout_seconds)
        finally:
            timer.cancel()
        if ran is None:
            outcome = RunOutcome(
                "incomplete",
                1,
                clock() - started,
                error=f"{stop_reason()}; the task did not stop within {stop_timeout_seconds:g} s and was abandoned",
                abandoned=True,
            )
        elif "error" in ran:
            exc = ran["error"]
            outcome = RunOutcome("failed", 1, clock() - started, error=f"{type(exc).__name__}: {exc}")
        else:
            result: TaskResult = ran["result"]
            status: RunStatus = "incomplete" if not result.complete else "failed" if result.failed else "succeeded"
            outcome = RunOutcome(status, 0 if status == "succeeded" else 1, clock() - started, result)
            current.set_attributes({f"job.{k}": v for k, v in asdict(result).items()})
        if stop.is_set() and outcome.status != "succeeded":
            outcome.stop_reason = stop_reason()
        current.set_attributes({"job.status": outcome.status, "job.abandoned": outcome.abandoned})
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
    if outcome.abandoned:
        summary["abandoned"] = True
    logger.log(logging.INFO if outcome.status == "succeeded" else logging.ERROR, "run finished", extra=summary)
    return outcome
