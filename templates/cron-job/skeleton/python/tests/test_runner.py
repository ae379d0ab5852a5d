import threading

import pytest

from app.config import Settings
from app.runner import StopEvent, TaskResult, run_once
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


def test_the_reason_given_with_the_stop_is_reported():
    stop = StopEvent()

    def task(ctx):
        stop.request("received SIGTERM")
        return TaskResult(1, 0, False)

    outcome = run_once(task, deadline_seconds=30, stop=stop)
    assert (outcome.status, outcome.stop_reason, outcome.abandoned) == ("incomplete", "received SIGTERM", False)


def test_a_task_that_ignores_the_stop_is_abandoned_after_the_stop_timeout():
    stop = StopEvent()
    release = threading.Event()

    def task(ctx):
        stop.request("received SIGTERM")
        release.wait(10)  # a call that never looks at ctx.stop
        return TaskResult(1, 0, True)

    try:
        outcome = run_once(task, deadline_seconds=30, stop=stop, stop_timeout_seconds=0.2)
    finally:
        release.set()
    assert (outcome.status, outcome.exit_code, outcome.abandoned) == ("incomplete", 1, True)
    assert outcome.error == "received SIGTERM; the task did not stop within 0.2 s and was abandoned"


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


def test_settings_give_a_stopping_task_20_s_within_the_30_s_grace_period():
    assert Settings.from_env({}).stop_timeout_seconds == 20
    assert Settings.from_env({"JOB_STOP_TIMEOUT_SECONDS": "5"}).stop_timeout_seconds == 5
    with pytest.raises(ValueError, match="JOB_STOP_TIMEOUT_SECONDS"):
        Settings.from_env({"JOB_STOP_TIMEOUT_SECONDS": "0"})


def test_tracing_only_when_an_endpoint_is_configured():
    assert not tracing_enabled({})
    assert tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
