"""Restore keeps what it would wipe, trusts only a real claims backup, and corruption is caught by
``db status`` and ``db backup`` (issue 9, item 15); ``export --status bogus`` is an error ("Low")."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from claims.store import ingest_text, open_store
from claims.store.accounts import add_user, list_users
from claims.store.backup import backup_sqlite, restore_sqlite
from claims.store.query import list_articles

TEXT = "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe."


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claims.cli", *args], capture_output=True, text=True)


def _store(path: Path, articles: int = 1, prefix: str = "a"):
    eng = open_store(f"sqlite:///{path}")
    for i in range(articles):
        ingest_text(eng, f"{TEXT} Ruiz said road {prefix}{i} was closed. " * 10, article_key=f"{prefix}{i}")
    return eng


def _articles(path: Path) -> list[str]:
    eng = open_store(f"sqlite:///{path}")
    try:
        return sorted(a["article_key"] for a in list_articles(eng))
    finally:
        eng.dispose()


@pytest.fixture
def backup(tmp_path) -> Path:
    eng = _store(tmp_path / "source.db")
    eng.dispose()
    backup_sqlite(tmp_path / "source.db", tmp_path / "bk.db")
    return tmp_path / "bk.db"


def _corrupt(path: Path) -> None:
    """Overwrite the start of every third page after the first few: a damaged disk."""
    data, page = bytearray(path.read_bytes()), 4096
    for n in range(3, len(data) // page, 3):
        data[n * page + 8 : n * page + 200] = b"\xff" * 192
    path.write_bytes(bytes(data))


def test_restore_without_force_keeps_a_store_that_has_only_accounts(backup, tmp_path):
    """It used to count articles only, and wiped the accounts (sign-in silently off)."""
    eng = open_store(f"sqlite:///{tmp_path / 'desk.db'}")
    add_user(eng, "boss", "correct horse battery", "admin")
    eng.dispose()
    r = cli("db", "restore", str(backup), "--db", f"sqlite:///{tmp_path / 'desk.db'}")
    assert r.returncode == 1 and "not empty (1 users)" in r.stderr and "--force" in r.stderr
    eng = open_store(f"sqlite:///{tmp_path / 'desk.db'}")
    assert [u["username"] for u in list_users(eng)] == ["boss"]
    eng.dispose()


def test_restore_into_a_truly_empty_store(backup, tmp_path):
    open_store(f"sqlite:///{tmp_path / 'desk.db'}").dispose()  # migrated, no rows
    r = cli("db", "restore", str(backup), "--db", f"sqlite:///{tmp_path / 'desk.db'}")
    assert r.returncode == 0, r.stderr
    assert _articles(tmp_path / "desk.db") == ["a0"]


def test_a_file_with_a_claims_table_is_not_a_backup(tmp_path):
    fake = tmp_path / "fake.db"
    con = sqlite3.connect(fake)
    con.execute("CREATE TABLE claims (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(ValueError, match="not a claims backup"):
        restore_sqlite(fake, tmp_path / "desk.db", force=True)
    assert not (tmp_path / "desk.db").exists()


def test_a_backup_with_a_table_changed_is_refused(backup, tmp_path):
    con = sqlite3.connect(backup)
    con.execute("ALTER TABLE claims DROP COLUMN verdict_note")
    con.commit()
    con.close()
    _store(tmp_path / "desk.db", prefix="desk").dispose()
    with pytest.raises(ValueError, match="table 'claims' is missing or has other columns"):
        restore_sqlite(backup, tmp_path / "desk.db", force=True)
    assert _articles(tmp_path / "desk.db") == ["desk0"]  # nothing replaced


def test_a_corrupt_backup_is_refused_before_anything_is_replaced(tmp_path):
    src = _store(tmp_path / "source.db", articles=30)
    src.dispose()
    backup_sqlite(tmp_path / "source.db", tmp_path / "bk.db")
    _corrupt(tmp_path / "bk.db")
    _store(tmp_path / "desk.db", prefix="desk").dispose()
    r = cli("db", "restore", str(tmp_path / "bk.db"), "--force", "--db", f"sqlite:///{tmp_path / 'desk.db'}")
    assert r.returncode == 1 and "integrity check" in r.stderr and "Traceback" not in r.stderr
    assert _articles(tmp_path / "desk.db") == ["desk0"]


def test_status_and_backup_detect_a_corrupt_store(tmp_path):
    eng = _store(tmp_path / "desk.db", articles=30)
    eng.dispose()
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    ok = cli("db", "status", "--db", url)
    assert ok.returncode == 0 and "integrity ok" in ok.stdout
    _corrupt(tmp_path / "desk.db")
    r = cli("db", "status", "--db", url)
    assert r.returncode == 2 and "CORRUPT" in r.stderr and "Traceback" not in r.stderr
    r = cli("db", "backup", str(tmp_path / "bk.db"), "--db", url)
    assert r.returncode == 1 and "no backup written" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "bk.db").exists() and not (tmp_path / "bk.db.part").exists()


def test_export_of_an_unknown_status_is_an_error(tmp_path):
    eng = _store(tmp_path / "desk.db")
    eng.dispose()
    r = cli("export", "--status", "bogus", "--db", f"sqlite:///{tmp_path / 'desk.db'}")
    assert r.returncode == 2 and "unknown status 'bogus'" in r.stderr
