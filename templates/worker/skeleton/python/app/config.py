"""Settings from environment variables (see k8s/deployment.yaml for what is set where)."""

from __future__ import annotations

import os
import ssl
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


def _ca_file(path: str) -> str:
    """KAFKA_CA_FILE: fail at start-up, naming the variable and the path, unless it is a
    readable PEM bundle of certificates."""
    try:
        with open(path, "rb") as f:
            content = f.read()
    except OSError as exc:
        raise ValueError(f"KAFKA_CA_FILE={path} cannot be read: {exc.strerror or exc}") from exc
    if b"-----BEGIN CERTIFICATE-----" not in content:
        raise ValueError(f"KAFKA_CA_FILE={path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cadata=content.decode("ascii", "replace"))
    except (ssl.SSLError, ValueError) as exc:
        raise ValueError(f"KAFKA_CA_FILE={path} holds an invalid certificate: {exc}") from exc
    return path


@dataclass(frozen=True)
class Settings:
    service_name: str
    health_port: int
    log_level: str
    kafka_brokers: tuple[str, ...]
    kafka_tls: bool
    # KAFKA_CA_FILE: the PEM bundle the brokers' TLS certificates are checked against.
    # None: the system trust store, which does not know in-cluster CAs.
    kafka_ca_file: str | None
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
    # /healthz fails when the consume loop has not polled for this long.
    liveness_max_age_seconds: int
    # A subscribed topic that does not exist is waited for this long before the worker exits.
    unknown_topic_grace_seconds: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        brokers = tuple(b.strip() for b in env.get("KAFKA_BROKERS", "").split(",") if b.strip())
        if not brokers:
            raise ValueError("KAFKA_BROKERS is required (comma-separated host:port list)")
        tls = env.get("KAFKA_TLS", "true").lower() != "false"
        ca_file = env.get("KAFKA_CA_FILE") or None
        if ca_file and not tls:
            raise ValueError("KAFKA_CA_FILE is set but KAFKA_TLS=false: a CA only applies to TLS connections")
        liveness_max_age = _int(env, "LIVENESS_MAX_AGE_SECONDS", 60)
        if liveness_max_age < 1:
            raise ValueError("LIVENESS_MAX_AGE_SECONDS must be at least 1")
        group = env.get("KAFKA_CONSUMER_GROUP", "${{ values.consumerGroup }}")
        return cls(
            service_name=env.get("OTEL_SERVICE_NAME", "${{ values.name }}"),
            health_port=_int(env, "HEALTH_PORT", ${{ values.port }}),
            log_level=env.get("LOG_LEVEL", "info"),
            kafka_brokers=brokers,
            kafka_tls=tls,
            kafka_ca_file=_ca_file(ca_file) if ca_file else None,
            kafka_sasl_username=env.get("KAFKA_SASL_USERNAME") or None,
            kafka_sasl_password=env.get("KAFKA_SASL_PASSWORD") or None,
            topic=env.get("KAFKA_TOPIC", "${{ values.topic }}"),
            consumer_group=group,
            dlq_topic=env.get("KAFKA_DLQ_TOPIC", f"{group}.dlq"),
            max_retries=_int(env, "MAX_RETRIES", ${{ values.maxRetries }}),
            retry_base_delay_ms=_int(env, "RETRY_BASE_DELAY_MS", 200),
            retry_max_delay_ms=_int(env, "RETRY_MAX_DELAY_MS", 30_000),
            processed_store_size=_int(env, "PROCESSED_STORE_SIZE", 100_000),
            liveness_max_age_seconds=liveness_max_age,
            unknown_topic_grace_seconds=_int(env, "KAFKA_UNKNOWN_TOPIC_GRACE_SECONDS", 300),
        )
