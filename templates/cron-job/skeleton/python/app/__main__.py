"""Entry point: ``python -m app``. One run; the exit code is the run's status."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading

from app.config import Settings
from app.logging_config import configure_logging
from app.runner import StopEvent, no_span, run_once
from app.task import create_task, example_source
from app.tracing import configure_tracing, tracing_enabled

logger = logging.getLogger("app")

# The flush gets this long at most: the collector being down must not eat the grace period.
FLUSH_TIMEOUT_SECONDS = 5.0


def main() -> int:
    settings = Settings.from_env()
    configure_logging(settings.service_name, settings.log_level)
    span, shutdown_tracing = no_span, None
    if tracing_enabled(os.environ):
        span, shutdown_tracing = configure_tracing()

    # Kubernetes sends SIGTERM at activeDeadlineSeconds, on eviction, or when a Replace policy
    # starts the next run, and SIGKILL terminationGracePeriodSeconds (30 s) later. The task is
    # asked to stop between items; one that does not return within JOB_STOP_TIMEOUT_SECONDS is
    # abandoned. Either way the summary is logged, traces are flushed and the exit code is 1,
    # so the run is retried or alerted on.
    stop = StopEvent()

    def on_signal(signum: int, _frame: object) -> None:
        if stop.is_set():
            return
        name = signal.Signals(signum).name
        logger.warning("stop requested", extra={"signal": name})
        stop.request(f"received {name}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        outcome = run_once(
            create_task(example_source(), settings.batch_size),
            deadline_seconds=settings.deadline_seconds,
            stop=stop,
            span=span,
            stop_timeout_seconds=settings.stop_timeout_seconds,
        )
        return outcome.exit_code
    finally:
        if shutdown_tracing is not None:
            # A short-lived process must flush its spans, or they are lost.
            flush = threading.Thread(target=shutdown_tracing, name="flush", daemon=True)
            flush.start()
            flush.join(FLUSH_TIMEOUT_SECONDS)


if __name__ == "__main__":
    sys.exit(main())
