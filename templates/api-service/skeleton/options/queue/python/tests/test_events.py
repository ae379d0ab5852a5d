from datetime import UTC, datetime

import pytest

from app.events import InMemoryEventPublisher, envelope


def test_envelope_has_unique_id_source_and_time():
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    a = envelope({"type": "greeting.created", "key": "k", "data": {}}, "svc", now)
    b = envelope({"type": "greeting.created", "key": "k", "data": {}}, "svc", now)
    assert a["id"] != b["id"]
    assert a["source"] == "svc"
    assert a["time"] == "2026-01-02T03:04:05.000Z"
    assert a["specversion"] == "1.0"


def test_in_memory_publisher_records_and_can_fail():
    publisher = InMemoryEventPublisher()
    publisher.publish({"type": "t", "key": "k", "data": {}})
    assert len(publisher.published) == 1
    publisher.fail_with = RuntimeError("broker unavailable")
    with pytest.raises(RuntimeError):
        publisher.publish({"type": "t", "key": "k", "data": {}})
