import json
import urllib.error
import urllib.request

import pytest

from app.config import Settings
from app.health import start_health_server
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


def test_health_endpoints_follow_consumer_state():
    ready = {"value": False}
    server = start_health_server(0, lambda: ready["value"], host="127.0.0.1")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert _get(f"{base}/healthz") == (200, {"status": "ok"})
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


def test_settings_require_brokers():
    with pytest.raises(ValueError, match="KAFKA_BROKERS is required"):
        Settings.from_env({})


def test_tracing_only_when_an_endpoint_is_configured():
    assert not tracing_enabled({})
    assert tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
