import json
import logging

from app import logging_config
from app.logging_config import JsonFormatter


def test_json_lines_carry_level_message_service_and_extras():
    record = logging.makeLogRecord(
        {"name": "app", "levelno": logging.WARNING, "levelname": "WARNING", "msg": "hello %s", "args": ("world",)}
    )
    record.check = "db"
    line = json.loads(JsonFormatter("svc").format(record))
    assert line["level"] == "warning"
    assert line["message"] == "hello world"
    assert line["service"] == "svc"
    assert line["check"] == "db"
    assert line["time"].endswith("+00:00")


def test_trace_ids_are_added_when_tracing_provides_them(monkeypatch):
    monkeypatch.setattr(logging_config, "trace_context", lambda: {"trace_id": "a" * 32, "span_id": "b" * 16})
    record = logging.makeLogRecord({"msg": "x"})
    line = json.loads(JsonFormatter("svc").format(record))
    assert line["trace_id"] == "a" * 32
