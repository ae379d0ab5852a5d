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
    health_port: int
    log_level: str
    kafka_brokers: tuple[str, ...]
    kafka_tls: bool
    # SCRAM user for the ACLs in terraform/kafka.tf (the ${{ values.name }}-kafka secret).
    kafka_sasl_username: str | None
    kafka_sasl_password: str | None
    topic: str
    consumer_group: str
    dlq_topic: str
    # Retries after the first attempt before a message is dead-lettered.
    max_retries: int
    retry_base_delay_ms: int
    retry_max_delay_ms: int
    # How many message ids the in-memory processed-message store remembers.
    processed_store_size: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        brokers = tuple(b.strip() for b in env.get("KAFKA_BROKERS", "").split(",") if b.strip())
        if not brokers:
            raise ValueError("KAFKA_BROKERS is required (comma-separated host:port list)")
        group = env.get("KAFKA_CONSUMER_GROUP", "${{ values.consumerGroup }}")
        return cls(
            service_name=env.get("OTEL_SERVICE_NAME", "${{ values.name }}"),
            health_port=_int(env, "HEALTH_PORT", ${{ values.port }}),
            log_level=env.get("LOG_LEVEL", "info"),
            kafka_brokers=brokers,
            kafka_tls=env.get("KAFKA_TLS", "true").lower() != "false",
            kafka_sasl_username=env.get("KAFKA_SASL_USERNAME") or None,
            kafka_sasl_password=env.get("KAFKA_SASL_PASSWORD") or None,
            topic=env.get("KAFKA_TOPIC", "${{ values.topic }}"),
            consumer_group=group,
            dlq_topic=env.get("KAFKA_DLQ_TOPIC", f"{group}.dlq"),
            max_retries=_int(env, "MAX_RETRIES", ${{ values.maxRetries }}),
            retry_base_delay_ms=_int(env, "RETRY_BASE_DELAY_MS", 200),
            retry_max_delay_ms=_int(env, "RETRY_MAX_DELAY_MS", 30_000),
            processed_store_size=_int(env, "PROCESSED_STORE_SIZE", 100_000),
        )
