"""Admin (issue 11): a new password for a user who forgot theirs or locked themselves out; an
unlock that keeps the password (Admin page, store, `claims users unlock`), in the account log."""

from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from claims.store import open_store
from claims.store.accounts import (
    AccountError,
    LoginError,
    PermissionDenied,
    account_history,
    add_user,
    authenticate,
    unlock_user,
)


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("CLAIMS_DB_URL", url)
    eng = open_store(url)
    yield eng
    eng.dispose()


def test_admin_resets_a_password_and_unlocks(store):
    add_user(store, "boss", "correct horse battery", "admin")
    add_user(store, "ravi", "ravi's old password", "analyst")
    for _ in range(6):  # locked out
        with pytest.raises(LoginError):
            authenticate(store, "ravi", "wrong guess at it")
    at = AppTest.from_string("from claims.app.pages import admin\nadmin.render()", default_timeout=60)
    at.session_state["auth_user"] = "boss"
    at.session_state["auth_role"] = "admin"
    at.run()
    at.selectbox(key="admin_user").set_value("ravi").run()
    at.text_input(key="admin_new_password").input("a brand new password")
    at.button(key="FormSubmitter:admin_reset-Reset password and unlock").click().run()
    assert any("unlocked" in s.value for s in at.success)
    assert authenticate(store, "ravi", "a brand new password").role == "analyst"


def _lock_out(engine, name: str) -> None:
    for _ in range(6):
        with pytest.raises(LoginError):
            authenticate(engine, name, "wrong guess at it")


def test_unlock_keeps_the_password_and_is_logged(engine):
    add_user(engine, "boss", "correct horse battery", "admin")
    add_user(engine, "ravi", "ravi's own password", "analyst")
    add_user(engine, "guest", "guest's own password", "viewer")
    _lock_out(engine, "ravi")
    with pytest.raises(LoginError):  # locked: even the right password is refused
        authenticate(engine, "ravi", "ravi's own password")
    with pytest.raises(PermissionDenied):  # only an admin may lift it, checked in the store
        unlock_user(engine, "ravi", by="guest")
    assert unlock_user(engine, "ravi", by="boss") is True
    assert authenticate(engine, "ravi", "ravi's own password").role == "analyst"  # same password
    assert unlock_user(engine, "ravi", by="boss") is False  # nothing left to lift
    log = account_history(engine, "ravi")
    assert [r["action"] for r in log][:3] == ["unlocked", "unlocked", "locked"]
    assert log[1]["by"] == "boss" and "5 failed sign-ins forgotten" in log[1]["detail"]
    with pytest.raises(AccountError):
        unlock_user(engine, "nobody", by="boss")


def test_admin_page_unlocks_without_a_new_password(store):
    add_user(store, "boss", "correct horse battery", "admin")
    add_user(store, "ravi", "ravi's own password", "analyst")
    _lock_out(store, "ravi")
    at = AppTest.from_string("from claims.app.pages import admin\nadmin.render()", default_timeout=60)
    at.session_state["auth_user"] = "boss"
    at.session_state["auth_role"] = "admin"
    at.run()
    at.selectbox(key="admin_user").set_value("ravi").run()
    at.button(key="admin_unlock").click().run()
    assert not at.exception
    assert any("ravi is unlocked" in s.value for s in at.success)
    assert authenticate(store, "ravi", "ravi's own password").role == "analyst"
    entry = account_history(store, "ravi")[0]
    assert (entry["by"], entry["action"]) == ("boss", "unlocked")
    at.run()  # the page lists it
    logs = [d.value for d in at.dataframe if "action" in d.value.columns]
    assert logs and "unlocked" in logs[0]["action"].tolist()


def test_users_unlock_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    eng = open_store(url)
    add_user(eng, "ravi", "ravi's own password", "analyst")
    _lock_out(eng, "ravi")
    claims = [sys.executable, "-m", "claims.cli"]
    done = subprocess.run(
        [*claims, "users", "unlock", "ravi", "--db", url], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "ravi unlocked" in done.stdout
    assert authenticate(eng, "ravi", "ravi's own password").role == "analyst"
    assert account_history(eng, "ravi")[0]["by"].endswith("(command line)")
    missing = subprocess.run([*claims, "users", "unlock", "nobody", "--db", url], capture_output=True, text=True)
    assert missing.returncode == 1 and "no user 'nobody'" in missing.stderr
    eng.dispose()
