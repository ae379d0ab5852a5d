"""Entry point: ``python -m app``. One run; the exit code is the run's status."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading

from app.config import Settings
from app.logging_config import configure_logging
from app.runner import no_span, run_once
from app.task import create_task, example_source
from app.tracing import configure_tracing, tracing_enabled

logger = logging.getLogger("app")


def main() -> int:
    settings = Settings.from_env()
    configure_logging(settings.service_name, settings.log_level)
    span, shutdown_tracing = no_span, None
    if tracing_enabled(os.environ):
        span, shutdown_tracing = configure_tracing()

    # Kubernetes sends SIGTERM at activeDeadlineSeconds or when the pod is evicted: stop
    # between batches, log what was done, exit non-zero so the run is retried or alerted on.
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        logger.warning("stop requested", extra={"signal": signal.Signals(signum).name})
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        outcome = run_once(
            create_task(example_source(), settings.batch_size),
            deadline_seconds=settings.deadline_seconds,
            stop=stop,
            span=span,
        )
        return outcome.exit_code
    finally:
        if shutdown_tracing is not None:
            shutdown_tracing()  # a short-lived process must flush its spans


if __name__ == "__main__":
    sys.exit(main())
