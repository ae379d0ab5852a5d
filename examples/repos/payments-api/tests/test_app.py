import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import ReadinessCheck, create_app
from app.tracing import tracing_enabled


def make_client(checks=()) -> TestClient:
    app = create_app(
        readiness_checks=checks,
        readiness_timeout_seconds=0.2,
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


def test_readyz_fails_a_hanging_check_instead_of_hanging():
    import threading

    release = threading.Event()
    client = make_client([ReadinessCheck("slow", lambda: release.wait(2))])
    try:
        assert client.get("/readyz").status_code == 503
    finally:
        release.set()


def test_greets():
    response = make_client().get("/v1/greetings/Ada")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, Ada!"}


def test_rejects_an_invalid_name():
    response = make_client().get("/v1/greetings/%3Cscript%3E")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_name"


def test_unknown_path_is_a_json_404():
    response = make_client().get("/nope")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found"}


def test_settings_defaults():
    settings = Settings.from_env({"DATABASE_URL": "postgresql://localhost/db"})
    assert settings.port == 8080
    assert settings.log_level == "info"


def test_settings_reject_a_malformed_port():
    with pytest.raises(ValueError, match="PORT must be"):
        Settings.from_env({"PORT": "eighty", "DATABASE_URL": "postgresql://localhost/db"})


def test_settings_require_database_url():
    with pytest.raises(ValueError, match="DATABASE_URL is required"):
        Settings.from_env({})


def test_tracing_only_when_an_endpoint_is_configured():
    assert not tracing_enabled({})
    assert tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert not tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"})
