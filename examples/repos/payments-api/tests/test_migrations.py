from pathlib import Path

import pytest

from app.migrations import MigrationError, run_migrations


class FakeCursor:
    def __init__(self, conn: "FakeConnection") -> None:
        self.conn = conn
        self._rows: list[tuple[str]] = []

    def execute(self, query, params=None):
        self.conn.statements.append(query)
        if self.conn.fail_on and self.conn.fail_on in query:
            raise RuntimeError("syntax error")
        if query.startswith("SELECT version"):
            self._rows = [(v,) for v in sorted(self.conn.applied)]
        if query.startswith("INSERT INTO schema_migrations"):
            self.conn.pending.add(params[0])

    def fetchall(self):
        return self._rows


class FakeConnection:
    """Records statements; applied versions survive only a commit, like the real table."""

    def __init__(self, applied=(), fail_on=None):
        self.statements: list[str] = []
        self.applied = set(applied)
        self.pending: set[str] = set()
        self.fail_on = fail_on

    def cursor(self):
        return FakeCursor(self)

    def commit(self):
        self.applied |= self.pending
        self.pending.clear()
        self.statements.append("COMMIT")

    def rollback(self):
        self.pending.clear()
        self.statements.append("ROLLBACK")


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    (tmp_path / "0002_second.sql").write_text("CREATE TABLE second (id int);")
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE first (id int);")
    (tmp_path / "README.md").write_text("not a migration")
    return tmp_path


def test_applies_pending_migrations_in_order_under_the_lock(migrations_dir):
    conn = FakeConnection()
    assert run_migrations(conn, migrations_dir) == ["0001_first.sql", "0002_second.sql"]
    assert "pg_advisory_lock" in conn.statements[0]
    assert "pg_advisory_unlock" in conn.statements[-2]
    first = conn.statements.index("CREATE TABLE first (id int);")
    assert first < conn.statements.index("CREATE TABLE second (id int);")


def test_skips_applied_migrations(migrations_dir):
    conn = FakeConnection(applied={"0001_first.sql", "0002_second.sql"})
    assert run_migrations(conn, migrations_dir) == []


def test_failed_migration_rolls_back_and_releases_the_lock(migrations_dir):
    conn = FakeConnection(fail_on="CREATE TABLE second")
    with pytest.raises(MigrationError, match="0002_second.sql failed"):
        run_migrations(conn, migrations_dir)
    assert "ROLLBACK" in conn.statements
    assert "pg_advisory_unlock" in conn.statements[-2]
    assert conn.applied == {"0001_first.sql"}
