import pytest

from app.handler import PermanentError
from app.idempotency import InMemoryProcessedMessageStore
from app.processor import MessageProcessor, backoff_delay
from tests.fake_transport import FakeTransport, message

DLQ = "${{ values.consumerGroup }}.dlq"


class RecordingMetrics:
    def __init__(self):
        self.outcomes = []
        self.retries = 0

    def record_outcome(self, outcome, duration_seconds):
        self.outcomes.append(outcome)

    def record_retry(self):
        self.retries += 1


def setup(handler, max_retries=3):
    transport = FakeTransport()
    store = InMemoryProcessedMessageStore()
    metrics = RecordingMetrics()
    sleeps = []
    processor = MessageProcessor(
        handler=handler,
        store=store,
        dead_letters=transport,
        dlq_topic=DLQ,
        max_retries=max_retries,
        base_delay_ms=100,
        max_delay_ms=1_000,
        metrics=metrics,
        sleep=sleeps.append,
        rand=lambda: 1.0,  # no jitter: the delays are exact
    )
    transport.run(processor.process)
    return transport, store, metrics, sleeps


def test_handles_commits_and_remembers():
    seen = []
    transport, store, metrics, _ = setup(lambda m, ctx: seen.append(m))
    m = message(body={"order": 42}, headers={"ce-id": "evt-1"})
    transport.deliver(m)
    assert [s.body for s in seen] == [{"order": 42}]
    assert seen[0].id == "evt-1"
    assert transport.committed == [m]
    assert store.has("evt-1")
    assert metrics.outcomes == ["processed"]


def test_redelivered_message_is_skipped():
    calls = []
    transport, _, metrics, _ = setup(lambda m, ctx: calls.append(m))
    first = message(headers={"ce-id": "evt-dup"})
    # The same event at a later offset (a producer retry) and at the same offset (a rebalance).
    transport.deliver(first, message(headers={"ce-id": "evt-dup"}), first)
    assert len(calls) == 1
    assert metrics.outcomes == ["processed", "duplicate", "duplicate"]
    assert len(transport.committed) == 3


def test_without_ce_id_deduplicates_on_topic_partition_offset():
    calls = []
    transport, _, _, _ = setup(lambda m, ctx: calls.append(m))
    m = message()
    transport.deliver(m, m, message())
    assert len(calls) == 2


def test_retries_with_exponential_backoff_then_succeeds():
    attempts = []

    def flaky(m, ctx):
        attempts.append(ctx.attempt)
        if len(attempts) < 3:
            raise TimeoutError("payment API timed out")

    transport, _, metrics, sleeps = setup(flaky)
    transport.deliver(message())
    assert attempts == [1, 2, 3]
    assert sleeps == [0.1, 0.2]
    assert metrics.retries == 2
    assert metrics.outcomes == ["processed"]
    assert transport.sent == []


def test_reports_a_heartbeat_around_each_retry_backoff():
    beats = []
    attempts = []

    def flaky(m, ctx):
        attempts.append(ctx.attempt)
        if len(attempts) < 3:
            raise TimeoutError("payment API timed out")

    transport = FakeTransport()
    processor = MessageProcessor(
        handler=flaky,
        store=InMemoryProcessedMessageStore(),
        dead_letters=transport,
        dlq_topic=DLQ,
        max_retries=3,
        sleep=lambda s: beats.append(f"sleep {s}"),
        rand=lambda: 1.0,
        heartbeat=lambda: beats.append("beat"),
    )
    transport.run(processor.process)
    transport.deliver(message())
    # The consume loop is alive while it backs off: /healthz keeps passing.
    assert beats == ["beat", "sleep 0.2", "beat", "beat", "sleep 0.4", "beat"]


def test_dead_letters_after_max_retries_with_reason_and_commits():
    attempts = []

    def failing(m, ctx):
        attempts.append(ctx.attempt)
        raise RuntimeError("downstream 503")

    transport, store, metrics, sleeps = setup(failing, max_retries=3)
    m = message(key="order-7", headers={"ce-id": "evt-7", "traceparent": "00-abc-def-01"})
    transport.deliver(m)
    assert attempts == [1, 2, 3, 4]  # one attempt plus three retries
    assert sleeps == [0.1, 0.2, 0.4]
    assert metrics.outcomes == ["dead_lettered"]
    [(topic, dead)] = transport.sent
    assert topic == DLQ
    assert dead.key == "order-7"
    assert dead.value == m.value
    assert dead.headers["x-error"] == "RuntimeError: downstream 503"
    assert dead.headers["x-attempts"] == "4"
    assert dead.headers["x-original-topic"] == m.topic
    assert dead.headers["x-original-offset"] == str(m.offset)
    assert dead.headers["traceparent"] == "00-abc-def-01"  # original headers are kept
    assert transport.committed == [m]  # a dead-lettered message does not block the partition
    transport.deliver(m)  # delivered again: not dead-lettered twice
    assert len(transport.sent) == 1
    assert store.has("evt-7")


def test_permanent_error_is_dead_lettered_without_retries():
    def bad(m, ctx):
        raise PermanentError('unknown order status "teleported"')

    transport, _, _, sleeps = setup(bad)
    transport.deliver(message())
    assert sleeps == []
    assert transport.sent[0][1].headers["x-error"] == 'PermanentError: unknown order status "teleported"'


def test_invalid_json_is_dead_lettered_without_calling_the_handler():
    calls = []
    transport, _, _, _ = setup(lambda m, ctx: calls.append(m))
    transport.deliver(message(value=b"{not json"))
    assert calls == []
    assert transport.sent[0][0] == DLQ


def test_failed_dead_letter_publish_leaves_the_message_uncommitted():
    def bad(m, ctx):
        raise PermanentError("bad")

    transport, store, _, _ = setup(bad)
    transport.fail_sends = 1
    m = message(headers={"ce-id": "evt-9"})
    transport.deliver(m)
    assert transport.uncommitted == [m]
    assert not store.has("evt-9")  # not marked processed: it must come back
    transport.deliver(m)
    assert len(transport.sent) == 1
    assert transport.committed == [m]


def test_zero_retries_dead_letters_on_first_failure():
    def failing(m, ctx):
        raise RuntimeError("nope")

    transport, _, _, sleeps = setup(failing, max_retries=0)
    transport.deliver(message())
    assert sleeps == []
    assert len(transport.sent) == 1


def test_backoff_doubles_and_caps():
    delays = [backoff_delay(r, 200, 30_000, lambda: 1.0) for r in (0, 1, 2, 3, 4, 7, 8, 20)]
    assert delays == [0.2, 0.4, 0.8, 1.6, 3.2, 25.6, 30.0, 30.0]
    assert backoff_delay(3, 200, 30_000, lambda: 0.0) == 0.8  # keeps at least half when jittered


@pytest.mark.parametrize("size", [0, -1])
def test_store_rejects_a_useless_bound(size):
    with pytest.raises(ValueError):
        InMemoryProcessedMessageStore(size)
