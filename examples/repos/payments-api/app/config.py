"""Settings from environment variables (see k8s/deployment.yaml for what is set where)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


def _int(environ: Mapping[str, str], key: str, default: int) -> int:
    raw = environ.get(key, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f'{key} must be a non-negative integer, got "{raw}"')
    return value


@dataclass(frozen=True)
class Settings:
    service_name: str
    port: int
    log_level: str
    # Seconds uvicorn waits for in-flight requests after SIGTERM.
    shutdown_timeout_seconds: int
    database_url: str
    migrations_dir: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        database_url = env.get("DATABASE_URL", "")
        if not database_url:
            raise ValueError("DATABASE_URL is required")
        return cls(
            service_name=env.get("OTEL_SERVICE_NAME", "payments-api"),
            port=_int(env, "PORT", 8080),
            log_level=env.get("LOG_LEVEL", "info"),
            shutdown_timeout_seconds=_int(env, "SHUTDOWN_TIMEOUT_SECONDS", 20),
            database_url=database_url,
            migrations_dir=env.get("MIGRATIONS_DIR", "migrations"),
        )
