"""/healthz (liveness: the consume loop polled within LIVENESS_MAX_AGE_SECONDS) and /readyz
(readiness: in the consumer group)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Liveness:
    """The consume loop's heartbeat. KafkaTransport beats on every return of poll(), empty
    ones included (at least once a second while the loop runs, brokers up or down), and the
    processor beats around each retry backoff. A loop that stops beating (a handler that
    never returns, a deadlock) makes /healthz fail, and Kubernetes restarts the pod."""

    def __init__(self, max_age_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age_seconds = max_age_seconds
        self._clock = clock
        self._last = clock()

    def beat(self) -> None:
        self._last = self._clock()

    def age(self) -> float:
        """Seconds since the last heartbeat."""
        return self._clock() - self._last

    def is_alive(self) -> bool:
        return self.age() <= self.max_age_seconds


def start_health_server(
    port: int, is_ready: Callable[[], bool], liveness: Liveness, host: str = "0.0.0.0"
) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = self.path.split("?")[0]
            if path == "/healthz":
                alive = liveness.is_alive()
                status = 200 if alive else 503
                body: dict[str, object] = {
                    "status": "ok" if alive else "stalled",
                    "last_heartbeat_seconds_ago": round(liveness.age(), 1),
                    "max_age_seconds": liveness.max_age_seconds,
                }
            elif path == "/readyz":
                ready = is_ready()
                status, body = (200, {"status": "ready"}) if ready else (503, {"status": "not ready"})
            else:
                status, body = 404, {"error": "not_found"}
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # probes would flood the logs

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server
