import threading

import pytest

from app.config import Settings
from app.runner import TaskResult, run_once
from app.tracing import tracing_enabled


def test_complete_run_without_failures_exits_0():
    outcome = run_once(lambda ctx: TaskResult(3, 0, True), deadline_seconds=5)
    assert (outcome.status, outcome.exit_code) == ("succeeded", 0)
    assert outcome.result == TaskResult(3, 0, True)


def test_failed_items_exit_1_so_the_run_is_retried_and_alerted_on():
    outcome = run_once(lambda ctx: TaskResult(3, 1, True), deadline_seconds=5)
    assert (outcome.status, outcome.exit_code) == ("failed", 1)


def test_exception_fails_the_run_with_the_error():
    def task(ctx):
        raise ConnectionError("database unreachable")

    outcome = run_once(task, deadline_seconds=5)
    assert (outcome.status, outcome.exit_code) == ("failed", 1)
    assert outcome.error == "ConnectionError: database unreachable"


def test_deadline_sets_stop_and_the_run_is_incomplete():
    def task(ctx):
        assert ctx.stop.wait(2), "the deadline should have set the stop event"
        return TaskResult(1, 0, False)

    outcome = run_once(task, deadline_seconds=0.05)
    assert (outcome.status, outcome.exit_code) == ("incomplete", 1)
    assert outcome.stop_reason == "deadline reached"


def test_outside_stop_sigterm_reaches_the_task():
    stop = threading.Event()

    def task(ctx):
        threading.Timer(0.02, stop.set).start()
        assert ctx.stop.wait(2)
        return TaskResult(0, 0, False)

    outcome = run_once(task, deadline_seconds=30, stop=stop)
    assert outcome.status == "incomplete"
    assert outcome.stop_reason == "stop requested"


def test_spans_receive_the_outcome():
    recorded = {}

    class Span:
        def set_attributes(self, attributes):
            recorded.update(attributes)

        def record_failure(self, message):
            recorded["failure"] = message

    import contextlib

    @contextlib.contextmanager
    def span(name):
        recorded["name"] = name
        yield Span()

    run_once(lambda ctx: TaskResult(2, 1, True), deadline_seconds=5, span=span)
    assert recorded["name"] == "job.run"
    assert recorded["job.processed"] == 2
    assert recorded["job.status"] == "failed"
    assert recorded["failure"] == "failed"


def test_settings_stop_a_little_before_the_cronjob_deadline():
    assert Settings.from_env({}).deadline_seconds == ${{ values.activeDeadlineSeconds - 60 if values.activeDeadlineSeconds > 120 else values.activeDeadlineSeconds // 2 }}
    with pytest.raises(ValueError, match="JOB_DEADLINE_SECONDS"):
        Settings.from_env({"JOB_DEADLINE_SECONDS": "0"})


def test_tracing_only_when_an_endpoint_is_configured():
    assert not tracing_enabled({})
    assert tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
