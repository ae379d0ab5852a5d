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
    # SHUTDOWN_TIMEOUT_SECONDS: the whole shutdown after SIGTERM, from draining the requests in
    # flight to closing {% if values.needsDatabase %}the database, {% endif %}{% if values.needsQueue %}Kafka, {% endif %}and flushing traces (app/server.py). Keep it below
    # the pod's terminationGracePeriodSeconds minus its preStop sleep (k8s/deployment.yaml: 30 - 5 s).
    shutdown_timeout_seconds: int
{%- if values.needsDatabase %}
    database_url: str
    migrations_dir: str
    # DATABASE_STATEMENT_TIMEOUT_MS: a request query running longer is cancelled (0: no timeout
    # set by the service). Migrations at start-up are not subject to it.
    database_statement_timeout_ms: int
{%- endif %}
{%- if values.needsQueue %}
    # Empty when KAFKA_BROKERS is unset: events then stay in memory (local development).
    kafka_brokers: tuple[str, ...]
    kafka_topic: str
    kafka_client_id: str
    kafka_tls: bool  # KAFKA_TLS=false for a local plaintext broker
    # SCRAM user for the ACLs in terraform/kafka.tf (the ${{ values.name }}-kafka secret).
    kafka_sasl_username: str | None
    kafka_sasl_password: str | None
{%- endif %}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
{%- if values.needsDatabase %}
        database_url = env.get("DATABASE_URL", "")
        if not database_url:
            raise ValueError("DATABASE_URL is required")
{%- endif %}
        return cls(
            service_name=env.get("OTEL_SERVICE_NAME", "${{ values.name }}"),
            port=_int(env, "PORT", ${{ values.port }}),
            log_level=env.get("LOG_LEVEL", "info"),
            shutdown_timeout_seconds=_int(env, "SHUTDOWN_TIMEOUT_SECONDS", 20),
{%- if values.needsDatabase %}
            database_url=database_url,
            migrations_dir=env.get("MIGRATIONS_DIR", "migrations"),
            database_statement_timeout_ms=_int(env, "DATABASE_STATEMENT_TIMEOUT_MS", 30000),
{%- endif %}
{%- if values.needsQueue %}
            kafka_brokers=tuple(b.strip() for b in env.get("KAFKA_BROKERS", "").split(",") if b.strip()),
            kafka_topic=env.get("KAFKA_TOPIC", "${{ values.name }}.events"),
            kafka_client_id=env.get("KAFKA_CLIENT_ID", "${{ values.name }}"),
            kafka_tls=env.get("KAFKA_TLS", "true").lower() != "false",
            kafka_sasl_username=env.get("KAFKA_SASL_USERNAME") or None,
            kafka_sasl_password=env.get("KAFKA_SASL_PASSWORD") or None,
{%- endif %}
        )
