"""OpenID Connect sign-in trusts only a verified e-mail address or the provider's subject, never
the display name (issue 9, item 12): a user who names herself like an admin stays a viewer."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from claims.app.auth import oidc_identity
from claims.store import open_store
from claims.store.accounts import add_user

APP = "../app.py"


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("CLAIMS_DB_URL", url)
    monkeypatch.setenv("CLAIMS_AUTH", "oidc")
    monkeypatch.delenv("CLAIMS_OIDC_ROLE", raising=False)
    eng = open_store(url)
    add_user(eng, "boss", "correct horse battery", "admin")
    add_user(eng, "boss@example.org", "correct horse battery", "admin")
    yield eng
    eng.dispose()


def _signed_in(user: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": True, **user}
    return at.run()


@pytest.mark.parametrize(
    "user, expected",
    [
        ({"name": "boss", "sub": "1234"}, "oidc:1234"),  # used to be "boss", the admin
        ({"name": "boss", "email": "boss@example.org", "sub": "1234"}, "oidc:1234"),  # unverified
        ({"name": "x", "email": "boss@example.org", "email_verified": False, "sub": "9"}, "oidc:9"),
        ({"name": "x", "email": "boss@example.org", "email_verified": True, "sub": "9"}, "boss@example.org"),
        ({"name": "boss"}, ""),
    ],
)
def test_identity_is_a_verified_email_or_the_subject(user, expected):
    assert oidc_identity(user) == expected


def test_a_display_name_like_an_admins_gets_no_admin_role(store):
    at = _signed_in({"name": "boss", "sub": "1234"})
    assert not at.exception
    assert at.session_state["auth_user"] == "oidc:1234" and at.session_state["auth_role"] == "viewer"
    at = _signed_in({"name": "boss", "email": "boss@example.org", "sub": "1234"})
    assert at.session_state["auth_role"] == "viewer"


def test_a_verified_address_gets_its_accounts_role(store):
    at = _signed_in({"name": "x", "email": "boss@example.org", "email_verified": True, "sub": "1"})
    assert not at.exception
    assert (at.session_state["auth_user"], at.session_state["auth_role"]) == ("boss@example.org", "admin")


def test_no_usable_identity_is_not_signed_in(store):
    at = _signed_in({"name": "boss"})
    assert not at.exception
    assert "auth_user" not in at.session_state
    assert any("verified e-mail" in e.value for e in at.error)
