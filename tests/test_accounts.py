"""Accounts and roles: argon2 hashes, throttled logins, and refusal in the store layer."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from claims.store import ingest_text, list_claims, open_store, update_claim
from claims.store.accounts import (
    LOGIN_FAILED,
    AccountError,
    LoginError,
    PermissionDenied,
    add_user,
    authenticate,
    remove_user,
    set_role,
)
from claims.store.schema import users
from claims.store.speakers import list_persons, merge_persons

EN = "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe."


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("CLAIMS_DB_URL", url)
    eng = open_store(url)
    yield eng
    eng.dispose()


def test_passwords_are_argon2_hashes(store):
    add_user(store, "boss", "correct horse battery", "admin")
    with store.connect() as conn:
        h = conn.execute(select(users.c.password_hash)).scalar()
    assert h.startswith("$argon2id$") and "correct horse" not in h
    assert authenticate(store, "boss", "correct horse battery").role == "admin"
    with pytest.raises(AccountError):
        add_user(store, "short", "tiny", "analyst")
    with pytest.raises(AccountError):
        add_user(store, "boss", "another long password", "analyst")


def test_failed_logins_lock_the_account(store):
    add_user(store, "asha", "a long enough password", "analyst")
    for _ in range(5):
        with pytest.raises(LoginError, match="wrong username or password"):
            authenticate(store, "asha", "guess")
    with pytest.raises(LoginError, match="too many failed attempts"):
        authenticate(store, "asha", "a long enough password")  # even the right one, for now
    with pytest.raises(LoginError) as unknown:
        authenticate(store, "nobody", "whatever")
    assert str(unknown.value) == LOGIN_FAILED  # one message for every failure: no user enumeration


def test_viewer_and_strangers_are_refused_in_the_store(store):
    ingest_text(store, EN, article_key="a")
    cid = list_claims(store)[0]["id"]
    update_claim(store, cid, base_version=1, analyst="anyone", status="true")  # no accounts yet: open desk
    add_user(store, "boss", "correct horse battery", "admin")
    add_user(store, "vee", "viewer password 1", "viewer")
    with pytest.raises(PermissionDenied, match="read and export only"):
        update_claim(store, cid, base_version=2, analyst="vee", status="false")
    with pytest.raises(PermissionDenied, match="no account"):
        update_claim(store, cid, base_version=2, analyst="anyone", status="false")
    with pytest.raises(PermissionDenied):
        ingest_text(store, "Officials said the dam was safe.", analyst="vee")
    people = list_persons(store)
    with pytest.raises(PermissionDenied):
        merge_persons(store, people[0]["id"], people[-1]["id"], analyst="vee")
    assert update_claim(store, cid, base_version=2, analyst="boss", status="false") == 3
    set_role(store, "vee", "analyst")
    assert update_claim(store, cid, base_version=3, analyst="vee", status="misleading") == 4


def test_last_admin_is_kept(store):
    add_user(store, "boss", "correct horse battery", "admin")
    with pytest.raises(AccountError):
        remove_user(store, "boss")
    with pytest.raises(AccountError):
        set_role(store, "boss", "viewer")


def test_users_cli(store, tmp_path):
    url = str(store.url)
    run = lambda *a, stdin="": subprocess.run(  # noqa: E731
        [sys.executable, "-m", "claims.cli", *a, "--db", url], input=stdin, capture_output=True, text=True
    )
    assert (
        run("users", "add", "boss", "--role", "admin", "--password-stdin", stdin="correct horse battery\n").returncode
        == 0
    )
    assert run("users", "add", "vee", "--role", "viewer", stdin="viewer password 1\n").returncode == 0
    assert run("users", "role", "vee", "analyst").returncode == 0
    out = run("users", "list").stdout
    assert "boss\tadmin" in out and "vee\tanalyst" in out
    r = run("users", "remove", "boss")
    assert r.returncode == 1 and "last admin" in r.stderr


APP = "../app.py"


def test_app_requires_sign_in_once_accounts_exist(store):
    ingest_text(store, EN, article_key="a")
    add_user(store, "asha", "a long enough password", "analyst")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert [t.value for t in at.title] == ["Sign in"]
    at.text_input(key="login_user").input("asha")
    at.text_input(key="login_password").input("wrong password!!")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [LOGIN_FAILED]
    at.text_input(key="login_password").input("a long enough password")
    at.button[0].click().run()
    assert [t.value for t in at.title] == ["Review claims"]
    assert not at.button(key="review_save").disabled
    # the session expires after inactivity
    at.session_state["auth_seen"] = time.time() - 10 * 3600
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert any("expired" in i.value for i in at.info)


def test_viewer_reads_but_cannot_edit(store):
    ingest_text(store, EN, article_key="a")
    add_user(store, "vee", "viewer password 1", "viewer")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["auth_user"] = "vee"
    at.session_state["auth_role"] = "viewer"
    at.session_state["auth_seen"] = time.time()
    at.run()
    assert [t.value for t in at.title] == ["Review claims"]
    assert at.button(key="review_save").disabled
    assert any("read and export only" in i.value for i in at.sidebar.info)


def test_admin_page_manages_accounts(store):
    add_user(store, "boss", "correct horse battery", "admin")
    at = AppTest.from_string("from claims.app.pages import admin\nadmin.render()", default_timeout=60)
    at.session_state["auth_user"] = "boss"
    at.session_state["auth_role"] = "admin"
    at.run()
    assert not at.exception and [t.value for t in at.title] == ["Admin"]
    at.text_input[0].input("newbie")
    at.text_input[1].input("a fine long password")
    at.button[0].click().run()
    assert any("Added newbie" in s.value for s in at.success)
    assert authenticate(store, "newbie", "a fine long password").role == "analyst"


def test_db_unreachable_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_DB_URL", "postgresql://nobody@127.0.0.1:9/none")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("not reachable" in e.value for e in at.error)
