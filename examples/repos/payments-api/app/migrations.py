"""Migration runner: plain SQL files applied in file-name order at start-up.

Each file runs in its own transaction and is recorded in ``schema_migrations``. A
session-level advisory lock makes concurrent pods wait for each other instead of racing.
Works with any DB-API connection (psycopg in production, a fake in the tests).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Protocol

logger = logging.getLogger("app.migrations")

LOCK_KEY = "payments-api:migrations"


class Cursor(Protocol):
    def execute(self, query: str, params: Any = None) -> Any: ...
    def fetchall(self) -> list[tuple[Any, ...]]: ...


class Connection(Protocol):
    def cursor(self) -> Cursor: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class MigrationError(RuntimeError):
    pass


def run_migrations(conn: Connection, directory: Path) -> list[str]:
    """Apply pending migrations; returns the file names applied by this call."""
    files = sorted(p for p in directory.iterdir() if p.suffix == ".sql")
    cur = conn.cursor()
    cur.execute("SELECT pg_advisory_lock(hashtext(%s))", (LOCK_KEY,))
    conn.commit()
    try:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cur.execute("SELECT version FROM schema_migrations")
        done = {row[0] for row in cur.fetchall()}
        conn.commit()
        applied: list[str] = []
        for path in files:
            if path.name in done:
                continue
            started = time.perf_counter()
            try:
                cur.execute(path.read_text(encoding="utf-8"))
                cur.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (path.name,))
                conn.commit()
            except Exception as exc:
                conn.rollback()
                raise MigrationError(f"migration {path.name} failed: {exc}") from exc
            logger.info(
                "migration applied",
                extra={
                    "migration": path.name,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            applied.append(path.name)
        return applied
    finally:
        cur.execute("SELECT pg_advisory_unlock(hashtext(%s))", (LOCK_KEY,))
        conn.commit()
