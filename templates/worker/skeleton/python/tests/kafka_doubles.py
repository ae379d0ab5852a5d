"""Stand-ins for confluent_kafka's Consumer and Producer at KafkaTransport's
``consumer_factory``/``producer_factory`` seam, and a TCP port we control for the real client.

The scripted consumer only plays confluent_kafka's own KafkaError objects and messages to
the transport, the way librdkafka delivers them (error_cb, or error messages from poll());
what the transport does with them is the real KafkaTransport code under test.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections import deque
from dataclasses import dataclass, field

from confluent_kafka import KafkaError, KafkaException, TopicPartition


@dataclass
class Msg:
    """What Consumer.poll() returns (confluent_kafka.Message cannot be built in Python)."""

    topic_: str = "topic"
    partition_: int = 0
    offset_: int = 0
    value_: bytes | None = b'{"hello": "world"}'
    key_: bytes | None = b"key-1"
    headers_: list[tuple[str, bytes]] = field(default_factory=list)
    error_: KafkaError | None = None

    def error(self):
        return self.error_

    def topic(self):
        return self.topic_

    def partition(self):
        return self.partition_

    def offset(self):
        return self.offset_

    def value(self):
        return self.value_

    def key(self):
        return self.key_

    def headers(self):
        return self.headers_


@dataclass(frozen=True)
class ViaErrorCb:
    """A script step: librdkafka reports `error` through error_cb during poll()."""

    error: KafkaError


class ScriptedConsumer:
    """Plays `script` from poll(): KafkaError (an error message), ViaErrorCb, Msg, None (an
    empty poll) or a callable (run, then an empty poll). Stops the transport at the end."""

    def __init__(self, config: dict, script: list, topic: str) -> None:
        self.config = config
        self.topic = topic
        self.script = deque(script)
        self.on_end = lambda: None
        self.commit_errors: deque[KafkaError] = deque()
        self.committed: list[int] = []
        self.seeks: list[tuple[str, int, int]] = []
        self.delivered: dict[int, Msg] = {}
        self.polls = 0
        self.closed = False

    def subscribe(self, topics, on_assign=None, on_revoke=None, on_lost=None):
        assert topics == [self.topic]
        self.on_revoke = on_revoke
        if on_assign is not None:
            on_assign(self, [TopicPartition(self.topic, 0)])

    def poll(self, timeout=None):
        self.polls += 1
        if not self.script:
            self.on_end()
            return None
        step = self.script.popleft()
        if isinstance(step, ViaErrorCb):
            self.config["error_cb"](step.error)
            return None
        if isinstance(step, KafkaError):
            return Msg(topic_=self.topic, error_=step)
        if isinstance(step, Msg):
            self.delivered[step.offset_] = step
            return step
        if callable(step):
            step()
        return None

    def commit(self, message=None, asynchronous=True):
        if self.commit_errors:
            raise KafkaException(self.commit_errors.popleft())
        self.committed.append(message.offset())

    def seek(self, partition):
        self.seeks.append((partition.topic, partition.partition, partition.offset))
        # librdkafka fetches from there again: the message comes next.
        self.script.appendleft(self.delivered[partition.offset])

    def close(self):
        self.closed = True


class ScriptedProducer:
    """The dead-letter producer: acknowledges, or fails deliveries with `fail_with`."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.produced: list[tuple[str, bytes | None]] = []
        self.fail_with: deque[KafkaError] = deque()
        self._pending = []

    def produce(self, topic, key=None, value=None, headers=None, on_delivery=None):
        self._pending.append((topic, value, on_delivery))

    def flush(self, timeout=None):
        for topic, value, on_delivery in self._pending:
            if self.fail_with:
                on_delivery(self.fail_with.popleft(), None)
            else:
                self.produced.append((topic, value))
                on_delivery(None, None)
        self._pending.clear()
        return 0


def free_port() -> int:
    """A local port nothing listens on (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TcpProxy:
    """Listens on `port` and forwards every connection to `target` (host, port)."""

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen()
        self.connections = 0
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._closed = True
        close_listener(self.server)


def close_listener(server: socket.socket) -> None:
    """Closes a listening socket, waking a thread blocked in accept() on it."""
    with contextlib.suppress(OSError):
        server.shutdown(socket.SHUT_RDWR)
    server.close()
