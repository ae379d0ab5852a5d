"""Entry point: ``python -m app``. Configures logging, runs migrations and
tracing, then serves with uvicorn until SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import uvicorn

from app.config import Settings
from app.db import Database
from app.logging_config import configure_logging
from app.main import ReadinessCheck, create_app
from app.tracing import configure_tracing, tracing_enabled

logger = logging.getLogger("app")


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings.service_name, settings.log_level)
    checks: list[ReadinessCheck] = []

    # Migrations run before the server listens. The startup probe in k8s/deployment.yaml
    # gives them 10 minutes; see docs/failure-modes.md.
    db = Database(settings.database_url)
    applied = db.migrate(Path(settings.migrations_dir))
    logger.info("migrations complete", extra={"applied": applied})
    checks.append(ReadinessCheck("database", db.ping))

    app = create_app(readiness_checks=checks)
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
        db.close()
        if shutdown_tracing is not None:
            shutdown_tracing()
        logger.info("stopped")


if __name__ == "__main__":
    main()
