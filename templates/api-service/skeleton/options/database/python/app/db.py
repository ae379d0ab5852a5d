"""PostgreSQL access with psycopg 3 (a small connection pool would go here as you grow)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from app.migrations import run_migrations

APPLICATION_NAME = "${{ values.name }}"


class Database:
    def __init__(self, url: str, statement_timeout_ms: int = 30000) -> None:
        self._url = url
        # A runaway request query is cancelled instead of holding the connection forever
        # (DATABASE_STATEMENT_TIMEOUT_MS; 0: no timeout set by the service).
        self._statement_timeout_ms = statement_timeout_ms
        self._conn: psycopg.Connection | None = None

    def connection(self) -> psycopg.Connection:
        """The connection for request queries, opened on first use; the statement timeout applies.
        Blocking: call it from a thread (``run_in_threadpool``), not on the event loop."""
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(
                self._url,
                connect_timeout=5,
                application_name=APPLICATION_NAME,
                options=f"-c statement_timeout={self._statement_timeout_ms}",
            )
        return self._conn

    def migrate(self, directory: Path) -> list[str]:
        """Runs the migrations on a connection of their own: a migration, and the wait for another
        pod's migration lock, may take longer than any request query should. run_migrations turns
        the timeouts off for that session; the startup probe in k8s/deployment.yaml bounds the
        start-up instead."""
        with psycopg.connect(self._url, connect_timeout=5, application_name=APPLICATION_NAME) as conn:
            return run_migrations(conn, directory)

    def ping(self) -> None:
        """Readiness check: one round trip to the database."""
        conn = self.connection()
        try:
            conn.execute("SELECT 1")
            conn.rollback()
        except psycopg.Error:
            conn.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
