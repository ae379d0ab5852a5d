import json
import urllib.error
import urllib.request

import pytest

from app.config import Settings
from app.health import Liveness, start_health_server
from app.idempotency import InMemoryProcessedMessageStore
from app.tracing import tracing_enabled


def test_store_remembers_and_forgets_oldest_beyond_bound():
    store = InMemoryProcessedMessageStore(max_entries=2)
    assert not store.has("a")
    for mid in ("a", "b", "c"):
        store.mark_processed(mid)
    assert len(store) == 2
    assert not store.has("a")
    assert store.has("c")


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_health_endpoints_follow_the_heartbeat_and_consumer_state():
    ready = {"value": False}
    now = {"value": 1000.0}
    liveness = Liveness(60, clock=lambda: now["value"])
    server = start_health_server(0, lambda: ready["value"], liveness, host="127.0.0.1")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert _get(f"{base}/healthz") == (
            200,
            {"status": "ok", "last_heartbeat_seconds_ago": 0.0, "max_age_seconds": 60},
        )
        now["value"] += 60
        assert _get(f"{base}/healthz")[0] == 200  # exactly the threshold is still alive
        now["value"] += 0.5
        assert _get(f"{base}/healthz") == (
            503,
            {"status": "stalled", "last_heartbeat_seconds_ago": 60.5, "max_age_seconds": 60},
        )
        liveness.beat()
        assert _get(f"{base}/healthz")[0] == 200
        assert _get(f"{base}/readyz")[0] == 503
        ready["value"] = True
        assert _get(f"{base}/readyz") == (200, {"status": "ready"})
        assert _get(f"{base}/other")[0] == 404
    finally:
        server.shutdown()


def test_settings_defaults():
    settings = Settings.from_env({"KAFKA_BROKERS": "a:9093, b:9093"})
    assert settings.kafka_brokers == ("a:9093", "b:9093")
    assert settings.topic == "${{ values.topic }}"
    assert settings.consumer_group == "${{ values.consumerGroup }}"
    assert settings.dlq_topic == "${{ values.consumerGroup }}.dlq"
    assert settings.max_retries == ${{ values.maxRetries }}
    assert settings.kafka_tls
    assert settings.kafka_ca_file is None  # the system trust store unless KAFKA_CA_FILE is set
    assert settings.liveness_max_age_seconds == 60
    assert settings.unknown_topic_grace_seconds == 300


def test_settings_liveness_and_unknown_topic_grace():
    settings = Settings.from_env(
        {"KAFKA_BROKERS": "a:9093", "LIVENESS_MAX_AGE_SECONDS": "90", "KAFKA_UNKNOWN_TOPIC_GRACE_SECONDS": "0"}
    )
    assert settings.liveness_max_age_seconds == 90
    assert settings.unknown_topic_grace_seconds == 0
    with pytest.raises(ValueError, match="LIVENESS_MAX_AGE_SECONDS must be at least 1"):
        Settings.from_env({"KAFKA_BROKERS": "a:9093", "LIVENESS_MAX_AGE_SECONDS": "0"})


def test_settings_name_kafka_ca_file_and_the_path_when_unusable(tmp_path):
    missing = tmp_path / "missing.crt"
    with pytest.raises(ValueError, match=f"^KAFKA_CA_FILE={missing} cannot be read: No such file or directory"):
        Settings.from_env({"KAFKA_BROKERS": "a:9093", "KAFKA_CA_FILE": str(missing)})
    not_pem = tmp_path / "ca.crt"
    not_pem.write_text("not a certificate\n")
    with pytest.raises(ValueError, match=f"^KAFKA_CA_FILE={not_pem} holds no PEM certificate"):
        Settings.from_env({"KAFKA_BROKERS": "a:9093", "KAFKA_CA_FILE": str(not_pem)})
    not_pem.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(ValueError, match=f"^KAFKA_CA_FILE={not_pem} holds an invalid certificate"):
        Settings.from_env({"KAFKA_BROKERS": "a:9093", "KAFKA_CA_FILE": str(not_pem)})
    with pytest.raises(ValueError, match="KAFKA_CA_FILE is set but KAFKA_TLS=false"):
        Settings.from_env({"KAFKA_BROKERS": "a:9093", "KAFKA_TLS": "false", "KAFKA_CA_FILE": str(not_pem)})


def test_settings_require_brokers():
    with pytest.raises(ValueError, match="KAFKA_BROKERS is required"):
        Settings.from_env({})


def test_tracing_only_when_an_endpoint_is_configured():
    assert not tracing_enabled({})
    assert tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
