"""Entry point: ``python -m app``. Configures logging{% if values.needsDatabase %}, runs migrations{% endif %} and
tracing, then serves with uvicorn until SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
{%- if values.needsDatabase %}
from pathlib import Path
{%- endif %}

import uvicorn

from app.config import Settings
{%- if values.needsDatabase %}
from app.db import Database
{%- endif %}
{%- if values.needsQueue %}
from app.kafka_publisher import create_event_publisher
{%- endif %}
from app.logging_config import configure_logging
from app.main import ReadinessCheck, create_app
from app.server import GracefulServer
from app.tracing import configure_tracing, tracing_enabled

logger = logging.getLogger("app")


def _close(name: str, close: Callable[[], None]) -> None:
    try:
        close()
    except Exception:  # noqa: BLE001 - one failing close must not skip the others
        logger.warning("close failed", exc_info=True, extra={"dependency": name})
    else:
        logger.info("closed", extra={"dependency": name})


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings.service_name, settings.log_level)
    checks: list[ReadinessCheck] = []
{%- if values.needsDatabase %}

    # Migrations run before the server listens. The startup probe in k8s/deployment.yaml
    # gives them 10 minutes; see docs/failure-modes.md.
    db = Database(settings.database_url, statement_timeout_ms=settings.database_statement_timeout_ms)
    applied = db.migrate(Path(settings.migrations_dir))
    logger.info("migrations complete", extra={"applied": applied})
    checks.append(ReadinessCheck("database", db.ping))
{%- endif %}
{%- if values.needsQueue %}

    events = create_event_publisher(settings)
{%- endif %}

    stopping = threading.Event()
    app = create_app(readiness_checks=checks, is_shutting_down=stopping.is_set{% if values.needsQueue %}, events=events{% endif %})
    shutdown_tracing = configure_tracing(app) if tracing_enabled(os.environ) else None

    # uvicorn stops gracefully on SIGTERM, then re-raises the signal; with the default handler
    # that would end the process before the clean-up below runs (and traces would be lost).
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)

    config = uvicorn.Config(
        app,
        host="0.0.0.0",
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        # Longer than the load balancer's idle timeout.
        timeout_keep_alive=65,
    )
    server = GracefulServer(config, stopping=stopping, timeout_seconds=settings.shutdown_timeout_seconds)
    try:
        server.run()
    finally:
{%- if values.needsQueue %}
        # First: it may still be sending what the last requests published.
        _close("events", events.close)
{%- endif %}
{%- if values.needsDatabase %}
        _close("database", db.close)
{%- endif %}
        if shutdown_tracing is not None:
            try:
                shutdown_tracing()  # last, so the spans of the drained requests are exported
            except Exception:  # noqa: BLE001 - still log the end
                logger.warning("flushing traces failed", exc_info=True)
        logger.info("stopped")


if __name__ == "__main__":
    main()
