"""The real KafkaTransport with the real confluent-kafka client (librdkafka) and no broker
to install: a closed port makes librdkafka itself report _TRANSPORT and _ALL_BROKERS_DOWN;
librdkafka's own mock cluster (``test.mock.num.brokers``) then serves as the broker that
comes back; a local TLS endpoint checks that KAFKA_CA_FILE is what the client trusts.
"""

import logging
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from confluent_kafka import Producer

from app import kafka_transport
from app.config import Settings
from app.health import Liveness
from app.idempotency import InMemoryProcessedMessageStore
from app.kafka_transport import KafkaTransport
from app.processor import MessageProcessor
from tests.kafka_doubles import TcpProxy, close_listener, free_port

TOPIC = "librdkafka-test.events.v1"
OPENSSL = shutil.which("openssl")


def wait_for(what, condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Worker:
    """KafkaTransport.run() with a processor, on a thread, as app/__main__.py runs it."""

    def __init__(self, env: dict[str, str], liveness: Liveness | None = None) -> None:
        settings = Settings.from_env({"KAFKA_TOPIC": TOPIC, "KAFKA_CONSUMER_GROUP": "librdkafka-test", **env})
        self.transport = KafkaTransport(settings, liveness=liveness)
        self.handled: list[object] = []
        self.failure: BaseException | None = None
        processor = MessageProcessor(
            handler=lambda message, ctx: self.handled.append(message.body),
            store=InMemoryProcessedMessageStore(),
            dead_letters=self.transport,
            dlq_topic=f"{TOPIC}.dlq",
            max_retries=0,
        )
        self.thread = threading.Thread(target=self._run, args=(processor,), daemon=True)
        self.thread.start()

    def _run(self, processor: MessageProcessor) -> None:
        try:
            self.transport.run(processor.process)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.failure = exc

    def stop(self) -> None:
        self.transport.stop()
        self.thread.join(20)
        assert not self.thread.is_alive(), "run() did not return after stop()"


@pytest.fixture
def fast_reconnect(monkeypatch):
    """librdkafka's reconnect backoff grows to 10 s by default: keep the tests short."""
    original = kafka_transport._client_config
    monkeypatch.setattr(
        kafka_transport,
        "_client_config",
        lambda settings: original(settings) | {"reconnect.backoff.ms": 50, "reconnect.backoff.max.ms": 300},
    )


def broker_errors(caplog) -> set[str]:
    return {r.kafka_error for r in caplog.records if hasattr(r, "kafka_error")}


def test_brokers_down_the_consume_loop_keeps_polling_and_stays_live(caplog, fast_reconnect):
    caplog.set_level(logging.WARNING, logger="app.kafka")
    liveness = Liveness(3)
    worker = Worker({"KAFKA_BROKERS": f"127.0.0.1:{free_port()}", "KAFKA_TLS": "false"}, liveness)
    try:
        wait_for(
            "librdkafka to report the brokers down",
            lambda: {"_TRANSPORT", "_ALL_BROKERS_DOWN"} & broker_errors(caplog) or not worker.thread.is_alive(),
        )
        time.sleep(2)
        assert worker.thread.is_alive(), f"the consume loop died: {worker.failure!r}"
        assert liveness.is_alive()
        assert not worker.transport.is_ready()
    finally:
        worker.stop()
    assert worker.failure is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_consumes_once_the_broker_is_reachable_again(caplog, fast_reconnect):
    caplog.set_level(logging.WARNING, logger="app.kafka")
    # librdkafka's in-process mock cluster, with one message waiting on the topic.
    cluster = Producer({"test.mock.num.brokers": 1})
    broker = next(iter(cluster.list_topics(timeout=10).brokers.values()))
    cluster.produce(TOPIC, key=b"k", value=b'{"n": 1}')
    assert cluster.flush(10) == 0

    # The worker bootstraps through a port that refuses connections (the broker restarting)...
    port = free_port()
    worker = Worker({"KAFKA_BROKERS": f"127.0.0.1:{port}", "KAFKA_TLS": "false"})
    proxy = None
    try:
        wait_for("librdkafka to report the broker down", lambda: "_TRANSPORT" in broker_errors(caplog))
        time.sleep(1)
        assert worker.thread.is_alive(), f"the consume loop died: {worker.failure!r}"
        # ...until the broker is back.
        proxy = TcpProxy(port, (broker.host, broker.port))
        wait_for("the message", lambda: worker.handled or not worker.thread.is_alive(), timeout=60)
        assert worker.handled == [{"n": 1}], f"the consume loop died: {worker.failure!r}"
        wait_for("readiness", worker.transport.is_ready)
    finally:
        worker.stop()
        if proxy is not None:
            proxy.close()
    assert worker.failure is None


class TlsEndpoint:
    """Accepts TLS connections with `cert`/`key` and records how each handshake ended."""

    def __init__(self, cert: str, key: str) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.handshakes: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            try:
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    self.handshakes.append("ok")
                    tls.recv(1024)  # the client's first Kafka request; then hang up
            except (ssl.SSLError, OSError) as exc:
                self.handshakes.append(f"failed: {exc}")

    def close(self) -> None:
        close_listener(self.server)


@pytest.mark.skipif(OPENSSL is None, reason="needs the openssl command to make a test CA")
def test_kafka_ca_file_is_the_ca_the_client_trusts(tmp_path, fast_reconnect):
    cert, key = tmp_path / "ca.crt", tmp_path / "broker.key"
    # A self-signed certificate for 127.0.0.1, like an in-cluster CA no public CA signs.
    subprocess.run(  # noqa: S603
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=kafka-test-ca",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    endpoint = TlsEndpoint(str(cert), str(key))
    try:
        # Without KAFKA_CA_FILE: the system trust store, which rejects the broker.
        brokers = f"127.0.0.1:{endpoint.port}"
        worker = Worker({"KAFKA_BROKERS": brokers, "KAFKA_TLS": "true"})
        wait_for("TLS handshakes", lambda: len(endpoint.handshakes) >= 2)
        worker.stop()
        assert all(h.startswith("failed") for h in endpoint.handshakes), endpoint.handshakes
        assert worker.failure is None, "a certificate the client does not trust is not fatal"

        # With KAFKA_CA_FILE (the untrusting clients above may still be retrying meanwhile).
        worker = Worker({"KAFKA_BROKERS": brokers, "KAFKA_TLS": "true", "KAFKA_CA_FILE": str(cert)})
        wait_for("a successful TLS handshake", lambda: "ok" in endpoint.handshakes)
        worker.stop()
    finally:
        endpoint.close()


def test_start_up_fails_naming_kafka_ca_file_and_the_path(tmp_path):
    missing = tmp_path / "ca.crt"
    result = subprocess.run(  # noqa: S603 - the app itself
        [sys.executable, "-m", "app"],
        env={"KAFKA_BROKERS": "127.0.0.1:9", "KAFKA_CA_FILE": str(missing), "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert f"KAFKA_CA_FILE={missing} cannot be read: No such file or directory" in result.stderr
