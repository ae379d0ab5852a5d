"""Entry point: ``python -m app``. Configures logging{% if values.needsDatabase %}, runs migrations{% endif %} and
tracing, then serves with uvicorn until SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
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
from app.tracing import configure_tracing, tracing_enabled

logger = logging.getLogger("app")


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings.service_name, settings.log_level)
    checks: list[ReadinessCheck] = []
{%- if values.needsDatabase %}

    # Migrations run before the server listens. The startup probe in k8s/deployment.yaml
    # gives them 10 minutes; see docs/failure-modes.md.
    db = Database(settings.database_url)
    applied = db.migrate(Path(settings.migrations_dir))
    logger.info("migrations complete", extra={"applied": applied})
    checks.append(ReadinessCheck("database", db.ping))
{%- endif %}
{%- if values.needsQueue %}

    events = create_event_publisher(settings)
{%- endif %}

    app = create_app(readiness_checks=checks{% if values.needsQueue %}, events=events{% endif %})
    shutdown_tracing = configure_tracing(app) if tracing_enabled(os.environ) else None

    # uvicorn stops gracefully on SIGTERM, then re-raises the signal; with the default handler
    # that would end the process before the clean-up below runs (and traces would be lost).
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)

    try:
        uvicorn.run(
            app,
            host="0.0.0.0",
            port=settings.port,
            log_config=None,
            access_log=False,
            proxy_headers=True,
            # Longer than the load balancer's idle timeout.
            timeout_keep_alive=65,
            timeout_graceful_shutdown=settings.shutdown_timeout_seconds,
        )
    finally:
{%- if values.needsQueue %}
        events.close()
{%- endif %}
{%- if values.needsDatabase %}
        db.close()
{%- endif %}
        if shutdown_tracing is not None:
            shutdown_tracing()
        logger.info("stopped")


if __name__ == "__main__":
    main()
