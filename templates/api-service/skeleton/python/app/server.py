"""uvicorn with the shutdown Kubernetes expects.

SIGTERM arrives after the preStop sleep in k8s/deployment.yaml (which lets the endpoint removal
reach the load balancers); SIGKILL follows at the end of terminationGracePeriodSeconds. From
the first SIGTERM:

1. ``stopping`` is set: /readyz answers 503 and every response still to be sent carries
   ``Connection: close`` (app/main.py);
2. uvicorn stops accepting connections and closes the idle keep-alive ones;
3. requests in flight get until the drain deadline (SHUTDOWN_TIMEOUT_SECONDS minus a reserve of a
   quarter, at most 5 s) to finish; uvicorn then cancels them and closes their connections;
4. app/__main__.py closes the dependencies and flushes traces in the reserve;
5. should all that take longer than SHUTDOWN_TIMEOUT_SECONDS, the process exits with code 1.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading

import uvicorn

logger = logging.getLogger("app")


def drain_seconds(timeout_seconds: float) -> float:
    """How long requests in flight get after SIGTERM: the rest of the timeout is for closing."""
    return timeout_seconds - min(5.0, timeout_seconds / 4)


def _daemon_timer(seconds: float, action) -> None:
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    timer.start()


def _exit_now() -> None:
    logger.error("graceful shutdown timed out, exiting")
    sys.stdout.flush()
    os._exit(1)


class GracefulServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, *, stopping: threading.Event, timeout_seconds: float) -> None:
        super().__init__(config)
        self.stopping = stopping
        self.timeout_seconds = timeout_seconds
        self.drain_seconds = drain_seconds(timeout_seconds)
        # uvicorn cancels the requests still running at the drain deadline.
        config.timeout_graceful_shutdown = self.drain_seconds

    def handle_exit(self, sig: int, frame) -> None:
        if not self.stopping.is_set():
            self.stopping.set()
            logger.info(
                "shutting down",
                extra={"signal": signal.Signals(sig).name, "in_flight": len(self.server_state.tasks)},
            )
            # For uvicorn releases that ignore timeout_graceful_shutdown: stop waiting for the
            # connections still open a little after the drain deadline.
            _daemon_timer(self.drain_seconds + 0.5, self._stop_waiting)
            _daemon_timer(self.timeout_seconds, _exit_now)
        super().handle_exit(sig, frame)

    def _stop_waiting(self) -> None:
        if self.server_state.connections:
            logger.warning(
                "requests still in flight at the drain deadline; closing their connections",
                extra={"in_flight": len(self.server_state.tasks)},
            )
            self.force_exit = True
