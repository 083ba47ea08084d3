"""Every store write takes the acting user and checks the role there (issue 9, item 1):
viewers and unnamed callers cannot add or re-extract articles once the store has accounts, by
the library, the CLI or the Add page, and each article records who added it."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from claims.store import ingest_text, reextract
from claims.store.accounts import PermissionDenied, add_user
from claims.store.schema import articles

TEXT = "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe."


def _stored(engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(articles.c.id)).all())


def _added_by(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(articles.c.article_key, articles.c.added_by)).all())


@pytest.fixture
def accounts(engine):
    add_user(engine, "boss", "correct horse battery", "admin")
    add_user(engine, "vee", "viewer password 1", "viewer")
    return engine


def test_open_desk_records_the_name_given(engine):
    ingest_text(engine, TEXT, article_key="a", analyst="asha")
    assert _added_by(engine) == {"a": "asha"}


@pytest.mark.parametrize("who", ["vee", "", "stranger"])
def test_viewers_and_unnamed_callers_cannot_add_articles(accounts, who):
    with pytest.raises(PermissionDenied):
        ingest_text(accounts, TEXT, article_key="a", analyst=who)
    assert _stored(accounts) == 0


def test_a_write_that_names_nobody_is_refused(accounts):
    """The Add page used to call ingest without the user, so the role check never ran."""
    with pytest.raises(PermissionDenied):
        ingest_text(accounts, TEXT, article_key="a")
    assert _stored(accounts) == 0


def test_editors_add_and_reextract_and_are_recorded(accounts):
    r = ingest_text(accounts, TEXT, article_key="a", analyst="boss")
    assert _added_by(accounts) == {"a": "boss"}
    for who in ("vee", ""):
        with pytest.raises(PermissionDenied):
            reextract(accounts, r.article_id, analyst=who)
    assert reextract(accounts, r.article_id, analyst="boss").claims_kept == r.claims_new


def test_cli_ingest_and_reextract_check_the_role(accounts, store_url, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "claims.cli", *args, "--db", store_url], capture_output=True, text=True
        )

    r = run("ingest", str(f), "--no-progress", "--analyst", "vee")
    assert r.returncode == 1 and "read and export only" in r.stderr and "Traceback" not in r.stderr
    assert _stored(accounts) == 0
    assert run("ingest", str(f), "--no-progress", "--analyst", "boss").returncode == 0
    assert _added_by(accounts) == {"a": "boss"}
    r = run("reextract", "--no-progress", "--analyst", "vee")
    assert r.returncode == 1 and "read and export only" in r.stderr


def _add_page(role: str, user: str) -> AppTest:
    at = AppTest.from_string("from claims.app.pages import add\nadd.render()", default_timeout=60)
    at.session_state["auth_user"] = user
    at.session_state["auth_role"] = role
    at.session_state["auth_seen"] = time.time()
    return at.run()


def _paste_and_save(at: AppTest) -> AppTest:
    """Paste and press "Save article" (a page that offers viewers no paste form at all is fine too)."""
    boxes = [t for t in at.text_area if t.key == "paste_text"]
    if not boxes:
        return at
    boxes[0].input(TEXT)
    next(b for b in at.button if b.label == "Save article").click()
    return at.run()


def test_add_page_refuses_a_viewer_and_records_an_analyst(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("CLAIMS_DB_URL", url)
    from claims.store import open_store

    engine = open_store(url)
    add_user(engine, "vee", "viewer password 1", "viewer")
    add_user(engine, "asha", "a long enough password", "analyst")
    at = _paste_and_save(_add_page("viewer", "vee"))
    assert not at.exception
    assert _stored(engine) == 0
    at = _paste_and_save(_add_page("analyst", "asha"))
    assert not at.exception
    assert list(_added_by(engine).values()) == ["asha"]
    engine.dispose()


def test_a_store_from_before_gets_the_new_columns(store_url):
    from sqlalchemy import text

    from claims.store.db import make_engine, open_store, upgrade

    old = make_engine(store_url)
    upgrade(old, "0002")
    with old.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (article_key, text_hash, text, title, url, outlet, published, lang,"
                " extractor_version, created_at) VALUES ('old', 'h', 't', '', '', '', '', 'en', '', CURRENT_TIMESTAMP)"
            )
        )
    old.dispose()
    eng = open_store(store_url)
    assert _added_by(eng) == {"old": ""}  # who added it is not known
    eng.dispose()
