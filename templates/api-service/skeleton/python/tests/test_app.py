import signal
import threading

import pytest
import uvicorn
from fastapi.testclient import TestClient

from app.config import Settings
{%- if values.needsQueue %}
from app.events import InMemoryEventPublisher
{%- endif %}
from app.main import ReadinessCheck, create_app
from app.server import GracefulServer, drain_seconds
from app.tracing import tracing_enabled


def make_client(checks=(){% if values.needsQueue %}, events=None{% endif %}, shutting_down=False) -> TestClient:
    app = create_app(
        readiness_checks=checks,
        readiness_timeout_seconds=0.2,
        is_shutting_down=lambda: shutting_down,
{%- if values.needsQueue %}
        events=events or InMemoryEventPublisher(),
{%- endif %}
    )
    return TestClient(app, raise_server_exceptions=False)


def failing_check():
    raise ConnectionError("connection refused")


def test_healthz_does_not_run_readiness_checks():
    called = []
    client = make_client([ReadinessCheck("db", lambda: called.append(True))])
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert called == []


def test_readyz_ok_when_every_check_passes():
    response = make_client([ReadinessCheck("db", lambda: None)]).get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"db": "ok"}}


def test_readyz_503_names_the_failing_check():
    client = make_client([ReadinessCheck("db", lambda: None), ReadinessCheck("cache", failing_check)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "checks": {"db": "ok", "cache": "failed"}}


def test_readyz_503_once_shutting_down_without_running_checks():
    called = []
    client = make_client([ReadinessCheck("db", lambda: called.append(True))], shutting_down=True)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "stopping", "checks": {}}
    assert called == []


def test_responses_close_their_connection_once_shutting_down():
    assert make_client().get("/healthz").headers.get("connection") != "close"
    assert make_client(shutting_down=True).get("/v1/greetings/Ada").headers["connection"] == "close"


def test_readyz_fails_a_hanging_check_instead_of_hanging():
    import threading

    release = threading.Event()
    client = make_client([ReadinessCheck("slow", lambda: release.wait(2))])
    try:
        assert client.get("/readyz").status_code == 503
    finally:
        release.set()


def test_greets():
{%- if values.needsQueue %}
    events = InMemoryEventPublisher()
    response = make_client(events=events).get("/v1/greetings/Ada")
{%- else %}
    response = make_client().get("/v1/greetings/Ada")
{%- endif %}
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, Ada!"}
{%- if values.needsQueue %}
    assert [e["type"] for e in events.published] == ["greeting.created"]
    assert events.published[0]["key"] == "Ada"
{%- endif %}


def test_rejects_an_invalid_name():
    response = make_client().get("/v1/greetings/%3Cscript%3E")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_name"


def test_unknown_path_is_a_json_404():
    response = make_client().get("/nope")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found"}
{%- if values.needsQueue %}


def test_publish_failure_is_a_500_without_details():
    events = InMemoryEventPublisher()
    events.fail_with = RuntimeError("broker unavailable")
    response = make_client(events=events).get("/v1/greetings/Ada")
    assert response.status_code == 500
    assert response.json() == {"error": "internal_error"}
{%- endif %}


def test_settings_defaults():
    settings = Settings.from_env({{% if values.needsDatabase %}"DATABASE_URL": "postgresql://localhost/db"{% endif %}})
    assert settings.port == ${{ values.port }}
    assert settings.log_level == "info"
    # Within terminationGracePeriodSeconds (30 s) minus the preStop sleep (5 s).
    assert settings.shutdown_timeout_seconds == 20
{%- if values.needsDatabase %}
    assert settings.database_statement_timeout_ms == 30000
{%- endif %}


def test_requests_in_flight_get_the_shutdown_timeout_less_a_reserve_for_closing():
    assert drain_seconds(20) == 15
    assert drain_seconds(4) == 3


def test_sigterm_marks_the_server_stopping():
    stopping = threading.Event()
    server = GracefulServer(uvicorn.Config(make_client().app), stopping=stopping, timeout_seconds=3600)
    server.handle_exit(signal.SIGTERM, None)
    assert stopping.is_set()
    assert server.should_exit


def test_settings_reject_a_malformed_port():
    with pytest.raises(ValueError, match="PORT must be"):
        Settings.from_env({"PORT": "eighty"{% if values.needsDatabase %}, "DATABASE_URL": "postgresql://localhost/db"{% endif %}})
{%- if values.needsDatabase %}


def test_settings_require_database_url():
    with pytest.raises(ValueError, match="DATABASE_URL is required"):
        Settings.from_env({})
{%- endif %}


def test_tracing_only_when_an_endpoint_is_configured():
    assert not tracing_enabled({})
    assert tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert not tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"})
