"""KafkaTransport's handling of confluent_kafka's KafkaError objects, delivered the way
librdkafka delivers them: as error messages from poll() and through error_cb.

The Consumer and Producer names in app.kafka_transport are replaced by the scripted doubles
in tests/kafka_doubles.py; everything else is the real transport, processor and health code.
tests/test_kafka_librdkafka.py runs the real client against a closed port and against
librdkafka's mock cluster.
"""

import json
import logging
import threading
import time
import urllib.error
import urllib.request

import pytest
from confluent_kafka import KafkaError

from app import kafka_transport
from app.config import Settings
from app.handler import PermanentError
from app.health import Liveness, start_health_server
from app.idempotency import InMemoryProcessedMessageStore
from app.kafka_transport import KafkaTransport
from app.processor import MessageProcessor
from tests.kafka_doubles import Msg, ScriptedConsumer, ScriptedProducer, ViaErrorCb

TOPIC = "transport-test.events.v1"


def settings(**env) -> Settings:
    return Settings.from_env(
        {"KAFKA_BROKERS": "broker-0:9093", "KAFKA_TLS": "false", "KAFKA_TOPIC": TOPIC, **env}
    )


@pytest.fixture
def kafka(monkeypatch):
    """Installs the doubles; returns a dict that gets the `consumer` and `producer` built."""
    built: dict = {"script": []}

    def consumer(config):
        built["consumer"] = ScriptedConsumer(config, built["script"], TOPIC)
        return built["consumer"]

    def producer(config):
        built["producer"] = ScriptedProducer(config)
        return built["producer"]

    monkeypatch.setattr(kafka_transport, "Consumer", consumer)
    monkeypatch.setattr(kafka_transport, "Producer", producer)
    monkeypatch.setattr(kafka_transport, "REWIND_BASE_DELAY_MS", 10, raising=False)
    return built


def start(kafka, script, handler=None, liveness=None, **env):
    """Builds the transport and a processor; returns them and the handled message bodies."""
    kafka["script"] = script
    transport = KafkaTransport(settings(**env), liveness=liveness)
    kafka["consumer"].on_end = transport.stop
    handled = []

    def record(message, ctx):
        handled.append(message.body)
        if handler:
            handler(message, ctx)

    processor = MessageProcessor(
        handler=record,
        store=InMemoryProcessedMessageStore(),
        dead_letters=transport,
        dlq_topic=f"{TOPIC}.dlq",
        max_retries=0,
        sleep=lambda _s: None,
    )
    return transport, processor, handled


# What a broker restart, a leader election, a coordinator move or a rebalance looks like.
ROUTINE = [
    KafkaError._TRANSPORT,
    KafkaError._ALL_BROKERS_DOWN,
    KafkaError._RESOLVE,
    KafkaError._MSG_TIMED_OUT,
    KafkaError.NOT_COORDINATOR,
    KafkaError.COORDINATOR_NOT_AVAILABLE,
    KafkaError.REBALANCE_IN_PROGRESS,
    KafkaError.LEADER_NOT_AVAILABLE,
    KafkaError.NOT_LEADER_FOR_PARTITION,
    KafkaError.REQUEST_TIMED_OUT,
    KafkaError.UNKNOWN_MEMBER_ID,
    KafkaError.ILLEGAL_GENERATION,
    KafkaError._PARTITION_EOF,
]


def test_routine_errors_are_survived_and_the_next_message_is_processed(kafka, caplog):
    caplog.set_level(logging.WARNING, logger="app.kafka")
    script = [KafkaError(code) for code in ROUTINE] + [ViaErrorCb(KafkaError(code)) for code in ROUTINE]
    script += [None, Msg(topic_=TOPIC, offset_=7, value_=b'{"n": 1}')]
    transport, processor, handled = start(kafka, script)

    transport.run(processor.process)  # returns when the script ends (stop())

    assert handled == [{"n": 1}]
    assert kafka["consumer"].committed == [7]
    assert kafka["consumer"].closed
    logged = [r.kafka_error for r in caplog.records if hasattr(r, "kafka_error")]
    # Logged, each time, by name; _PARTITION_EOF from poll() is not an error worth a line.
    assert logged.count("_TRANSPORT") == 2
    assert logged.count("NOT_COORDINATOR") == 2
    assert logged.count("_PARTITION_EOF") == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_failed_commit_is_survived(kafka):
    script = [Msg(topic_=TOPIC, offset_=n, value_=json.dumps({"n": n}).encode()) for n in (1, 2, 3)]
    transport, processor, handled = start(kafka, script)
    kafka["consumer"].commit_errors.extend(
        [KafkaError(KafkaError.REBALANCE_IN_PROGRESS), KafkaError(KafkaError._TRANSPORT)]
    )

    transport.run(processor.process)

    assert handled == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert kafka["consumer"].committed == [3]  # commits offset 4: covers 1 and 2 as well


def test_a_failed_dead_letter_publish_rewinds_and_retries_the_message(kafka):
    def bad(message, ctx):
        raise PermanentError("bad message")

    transport, processor, handled = start(kafka, [Msg(topic_=TOPIC, offset_=5)], handler=bad)
    # The broker is restarting: the dead-letter publish times out once.
    kafka["producer"].fail_with.append(KafkaError(KafkaError._MSG_TIMED_OUT))

    transport.run(processor.process)

    assert kafka["consumer"].seeks == [(TOPIC, 0, 5)]
    assert len(handled) == 2  # consumed again after the rewind
    assert [t for t, _ in kafka["producer"].produced] == [f"{TOPIC}.dlq"]
    assert kafka["consumer"].committed == [5]


@pytest.mark.parametrize(
    ("step", "name"),
    [
        (KafkaError(KafkaError.TOPIC_AUTHORIZATION_FAILED), "TOPIC_AUTHORIZATION_FAILED"),
        (ViaErrorCb(KafkaError(KafkaError.GROUP_AUTHORIZATION_FAILED)), "GROUP_AUTHORIZATION_FAILED"),
        (ViaErrorCb(KafkaError(KafkaError._AUTHENTICATION, "SASL authentication error")), "_AUTHENTICATION"),
        (ViaErrorCb(KafkaError(KafkaError._FATAL, "producer fenced", fatal=True)), "_FATAL"),
    ],
)
def test_fatal_errors_stop_the_worker_saying_which(kafka, caplog, step, name):
    transport, processor, handled = start(kafka, [KafkaError(KafkaError._TRANSPORT), step, Msg(topic_=TOPIC)])

    with pytest.raises(kafka_transport.FatalKafkaError) as raised:
        transport.run(processor.process)

    assert raised.value.reason.startswith(name)
    assert handled == []
    assert kafka["consumer"].closed
    assert not transport.is_ready()
    [critical] = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert critical.reason.startswith(name)
    assert name in critical.getMessage()


def test_a_dead_letter_publish_refused_by_acls_is_fatal(kafka):
    def bad(message, ctx):
        raise PermanentError("bad message")

    transport, processor, _ = start(kafka, [Msg(topic_=TOPIC, offset_=5)], handler=bad)
    kafka["producer"].fail_with.append(KafkaError(KafkaError.TOPIC_AUTHORIZATION_FAILED))

    with pytest.raises(kafka_transport.FatalKafkaError, match="TOPIC_AUTHORIZATION_FAILED"):
        transport.run(processor.process)
    assert kafka["consumer"].committed == []


def test_an_unknown_topic_is_waited_for_during_the_grace_period_then_fatal(kafka):
    unknown = KafkaError(KafkaError.UNKNOWN_TOPIC_OR_PART, "Subscribed topic not available")
    # Created in time: the message is consumed, and the grace period starts over.
    script = [unknown, unknown, Msg(topic_=TOPIC, offset_=0), unknown, lambda: time.sleep(0.6), unknown]
    transport, processor, handled = start(kafka, script, KAFKA_UNKNOWN_TOPIC_GRACE_SECONDS="1")
    transport.run(processor.process)
    assert len(handled) == 1

    # Never created: fatal once the grace period is over.
    script = [unknown, lambda: time.sleep(0.6), unknown, lambda: time.sleep(0.6), unknown, Msg(topic_=TOPIC)]
    transport, processor, handled = start(kafka, script, KAFKA_UNKNOWN_TOPIC_GRACE_SECONDS="1")
    with pytest.raises(kafka_transport.FatalKafkaError, match=f"topic {TOPIC} still unknown after 1 s"):
        transport.run(processor.process)
    assert handled == []


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_healthz_fails_while_the_consume_loop_is_stuck_and_recovers_after(kafka):
    gate = threading.Event()
    entered = threading.Event()

    def stuck(message, ctx):
        entered.set()
        gate.wait(10)  # a handler that does not return

    liveness = Liveness(1.0)
    idle = [lambda: time.sleep(0.05)] * 80  # empty polls for 4 s
    script = [*idle[:10], Msg(topic_=TOPIC, offset_=0), *idle]
    transport, processor, _ = start(kafka, script, handler=stuck, liveness=liveness)
    server = start_health_server(0, transport.is_ready, liveness, host="127.0.0.1")
    url = f"http://127.0.0.1:{server.server_address[1]}/healthz"
    runner = threading.Thread(target=transport.run, args=(processor.process,))
    try:
        runner.start()
        assert _get(url)[0] == 200
        assert entered.wait(5)
        time.sleep(1.5)
        status, body = _get(url)
        assert status == 503
        assert body["status"] == "stalled"
        assert body["last_heartbeat_seconds_ago"] >= 1
        gate.set()
        deadline = time.monotonic() + 5
        while kafka["consumer"].committed != [0] and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)
        assert _get(url)[0] == 200  # polling again
    finally:
        gate.set()
        transport.stop()
        runner.join(10)
        server.shutdown()


def test_main_exits_non_zero_on_a_fatal_error(kafka, monkeypatch, capsys):
    from app import __main__ as entry

    kafka["script"] = [KafkaError(KafkaError.GROUP_AUTHORIZATION_FAILED)]
    monkeypatch.setenv("KAFKA_BROKERS", "broker-0:9093")
    monkeypatch.setenv("KAFKA_TLS", "false")
    monkeypatch.setenv("KAFKA_TOPIC", TOPIC)
    monkeypatch.setenv("HEALTH_PORT", "0")
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.setattr(entry.signal, "signal", lambda *_: None)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        with pytest.raises(SystemExit) as exited:
            entry.main()
    finally:
        root.handlers[:], root.level = handlers, level
    assert exited.value.code == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    [fatal] = [line for line in lines if line["level"] == "critical"]
    assert fatal["reason"].startswith("GROUP_AUTHORIZATION_FAILED")
    assert lines[-1]["message"] == "stopped"
    assert lines[-1]["exit_code"] == 1
