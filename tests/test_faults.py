"""Faults and backups: a locked SQLite file, PostgreSQL connections killed and the server
restarted, an ingest killed halfway, and a backup/restore round trip."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text

from claims import extract
from claims.store import ClaimFilter, count_claims, get_claim, ingest_text, list_claims, open_store, update_claim
from claims.store.backup import backup_sqlite, restore_sqlite
from claims.store.schema import articles, claims

EN = "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe."


def test_locked_sqlite_waits_instead_of_failing(tmp_path):
    path = tmp_path / "desk.db"
    eng = open_store(f"sqlite:///{path}")
    ingest_text(eng, EN, article_key="a")
    cid = list_claims(eng)[0]["id"]
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    release = threading.Timer(1.5, lambda: holder.execute("COMMIT"))
    release.start()
    t = time.perf_counter()
    assert update_claim(eng, cid, base_version=1, analyst="asha", status="true") == 2
    assert time.perf_counter() - t >= 1.0  # it waited for the lock, no "database is locked"
    release.join()
    holder.close()


@pytest.mark.postgres
def test_postgres_connections_killed_then_recovered(pg_engine):
    engine = pg_engine
    ingest_text(engine, EN, article_key="a")
    cid = list_claims(engine)[0]["id"]
    with engine.connect() as conn:  # what a server restart does to every pooled connection
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        conn.commit()
    assert update_claim(engine, cid, base_version=1, analyst="asha", status="true") == 2  # pre-ping reconnects
    assert get_claim(engine, cid)["status"] == "true"


def require_restart_permission() -> None:
    if os.environ.get("CLAIMS_PG_RESTART_TEST") != "1":
        pytest.skip("set CLAIMS_PG_RESTART_TEST=1 (root, local cluster) to stop and restart PostgreSQL")


@contextmanager
def postgres_stopped() -> Iterator[None]:
    """The local PostgreSQL cluster stopped for the block; started again, and answering, after it."""
    version = sorted(os.listdir("/etc/postgresql"))[0]
    ctl = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]
    subprocess.run([*ctl, "stop", "-m", "fast"], check=True)
    try:
        yield
    finally:
        subprocess.run([*ctl, "start"], check=True)
        for _ in range(50):
            if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
                break
            time.sleep(0.2)


@pytest.mark.postgres
def test_postgres_server_stopped_and_restarted(pg_engine):
    """Stops the real server: only where CLAIMS_PG_RESTART_TEST=1 (CI, as root) allows it."""
    engine = pg_engine
    require_restart_permission()
    ingest_text(engine, EN, article_key="a")
    cid = list_claims(engine)[0]["id"]
    from sqlalchemy.exc import OperationalError

    with postgres_stopped(), pytest.raises(OperationalError):
        update_claim(engine, cid, base_version=1, analyst="asha", status="true")
    assert get_claim(engine, cid)["version"] == 1  # the failed edit left nothing behind
    assert update_claim(engine, cid, base_version=1, analyst="asha", status="true") == 2


def test_ingest_killed_halfway_leaves_whole_articles_and_resumes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(400):
        (folder / f"a{i:03}.txt").write_text(f"Minister Number{i} said the plan number {i} would work. " * 40, "utf-8")
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    cmd = [sys.executable, "-m", "claims.cli", "ingest", str(folder), "--db", url, "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    eng = open_store(url)
    deadline = time.time() + 60
    while time.time() < deadline and count_claims(eng) < 400:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with eng.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(articles)).scalar()
        per_article = dict(conn.execute(select(claims.c.article_id, func.count()).group_by(claims.c.article_id)).all())
    assert 0 < stored < 400, "kill the ingest earlier or give it more work"
    expected = len(extract((folder / "a000.txt").read_text("utf-8")))
    assert set(per_article.values()) == {expected}  # every stored article is whole
    assert len(per_article) == stored
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0
    assert f"{400 - stored} new, {stored} duplicate, 0 failed" in r.stderr
    assert count_claims(eng) == 400 * expected


def test_backup_restore_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    eng = open_store(url)
    ingest_text(eng, EN, article_key="a")
    cid = list_claims(eng)[0]["id"]
    update_claim(eng, cid, base_version=1, analyst="asha", status="false", verdict_note="kept")
    r = subprocess.run(
        [sys.executable, "-m", "claims.cli", "db", "backup", str(tmp_path / "bk.db"), "--db", url],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    ingest_text(eng, "Officials said the dam was safe.", article_key="later")  # work after the backup
    update_claim(eng, cid, base_version=2, analyst="ravi", status="true")
    eng.dispose()
    r = subprocess.run(
        [sys.executable, "-m", "claims.cli", "db", "restore", str(tmp_path / "bk.db"), "--db", url],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and "--force" in r.stderr  # refuses to replace a store with articles
    restore_sqlite(tmp_path / "bk.db", tmp_path / "desk.db", force=True)
    eng = open_store(url)
    c = get_claim(eng, cid)
    assert (c["status"], c["verdict_note"], c["version"]) == ("false", "kept", 2)
    assert count_claims(eng, ClaimFilter(text="dam")) == 0


def test_backup_is_consistent_under_writes(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    eng = open_store(url)
    ingest_text(eng, EN, article_key="a")
    ids = [r["id"] for r in list_claims(eng)]
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set():
            cid = ids[n % len(ids)]
            v = get_claim(eng, cid)["version"]
            update_claim(eng, cid, base_version=v, analyst="asha", verdict_note=f"note {n}")
            n += 1

    t = threading.Thread(target=writer)
    t.start()
    time.sleep(0.3)
    backup_sqlite(tmp_path / "desk.db", tmp_path / "bk.db")
    stop.set()
    t.join()
    con = sqlite3.connect(tmp_path / "bk.db")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # every claim's version matches its history in the copy: no torn write
    for cid, version in con.execute("SELECT id, version FROM claims"):
        n = con.execute("SELECT count(DISTINCT version) FROM history WHERE claim_id = ?", (cid,)).fetchone()[0]
        assert n == version - 1
    con.close()


def test_restore_refuses_garbage(tmp_path):
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(ValueError):
        restore_sqlite(tmp_path / "junk.db", tmp_path / "desk.db")


@pytest.mark.postgres
def test_app_explains_a_stopped_database_and_recovers(pg_engine, pg_url, monkeypatch):
    """The desk mid-session while PostgreSQL stops and comes back (CLAIMS_PG_RESTART_TEST=1)."""
    require_restart_permission()
    from streamlit.testing.v1 import AppTest

    ingest_text(pg_engine, EN, article_key="a")
    monkeypatch.setenv("CLAIMS_DB_URL", pg_url)
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.session_state["analyst"] = "asha"
    at.run()
    assert [t.value for t in at.title] == ["Review claims"]
    with postgres_stopped():
        at.run()
        assert not at.exception
        assert any("not reachable" in e.value for e in at.error)
    at.run()
    assert not at.exception and [t.value for t in at.title] == ["Review claims"] and not at.error
