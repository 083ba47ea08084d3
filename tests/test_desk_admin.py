"""Admin (issue 11): a new password for a user who forgot theirs or locked themselves out."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from claims.store import open_store
from claims.store.accounts import LoginError, add_user, authenticate


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
