"""PostgreSQL access with psycopg 3 (a small connection pool would go here as you grow)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from app.migrations import run_migrations


class Database:
    def __init__(self, url: str) -> None:
        self._url = url
        self._conn: psycopg.Connection | None = None

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(
                self._url,
                connect_timeout=5,
                application_name="payments-api",
                # A runaway query is cancelled instead of holding the connection forever.
                options="-c statement_timeout=30000",
            )
        return self._conn

    def migrate(self, directory: Path) -> list[str]:
        with psycopg.connect(self._url, connect_timeout=5) as conn:
            return run_migrations(conn, directory)

    def ping(self) -> None:
        """Readiness check: one round trip to the database."""
        conn = self._connection()
        try:
            conn.execute("SELECT 1")
            conn.rollback()
        except psycopg.Error:
            conn.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
