"""Signing in to the desk.

``CLAIMS_AUTH`` chooses how: ``password`` (accounts in the store, managed with ``claims users``
or the Admin page), ``oidc`` (Streamlit's OpenID Connect login, configured in
``.streamlit/secrets.toml``; the verified e-mail address, else ``oidc:<subject>``, is looked up
among the accounts for its role, ``CLAIMS_OIDC_ROLE`` — default ``viewer`` — otherwise), or
unset: no sign-in while the store has no accounts, password sign-in as soon as it has one.
Sessions expire after ``CLAIMS_SESSION_MINUTES`` (default 480) without activity.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from claims.app import state
from claims.store.accounts import LoginError, account, accounts_enabled, authenticate


def mode() -> str:
    m = os.environ.get("CLAIMS_AUTH", "").strip().lower()
    if m in ("password", "oidc"):
        return m
    return "password" if accounts_enabled(state.engine()) else ""


def oidc_identity(claims: Mapping[str, Any]) -> str:
    """The account name an OpenID Connect sign-in stands for, "" if none can be trusted.

    A verified e-mail address (``email_verified`` true), else the provider's subject as
    ``oidc:<sub>`` — a stable id the user cannot choose, kept apart from local account names by
    the prefix. Never the display name, nor an unverified address: a user can set either to an
    admin's account name and would get that account's role.
    """
    email = str(claims.get("email") or "").strip()
    if email and claims.get("email_verified") in (True, "true", "True"):
        return email
    sub = str(claims.get("sub") or "").strip()
    if sub and len(sub) <= 195:  # account names hold 200 characters
        return f"oidc:{sub}"
    return ""


def _expired() -> bool:
    limit = float(os.environ.get("CLAIMS_SESSION_MINUTES", "480")) * 60
    last = st.session_state.get("auth_seen", 0.0)
    return bool(st.session_state.get("auth_user")) and time.time() - last > limit


def logout(message: str = "") -> None:
    for k in ("auth_user", "auth_role", "auth_seen"):
        st.session_state.pop(k, None)
    if message:
        st.session_state["auth_message"] = message


def _password_form() -> None:
    st.title("Sign in")
    if msg := st.session_state.pop("auth_message", ""):
        st.info(msg)
    if not accounts_enabled(state.engine()):
        st.warning(
            "Sign-in is required but there are no accounts yet. Create the first admin with\n\n"
            "`claims users add NAME --role admin`"
        )
        return
    with st.form("login"):
        username = st.text_input("Username", key="login_user")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            acc = authenticate(state.engine(), username, password)
        except LoginError as e:
            st.error(str(e))
            return
        st.session_state.update(auth_user=acc.username, auth_role=acc.role, auth_seen=time.time())
        st.rerun()


def gate() -> bool:
    """Sign-in as configured; returns whether the page may be shown."""
    m = mode()
    if not m:
        return True
    if m == "oidc":
        user = st.user
        if not getattr(user, "is_logged_in", False):
            st.title("Sign in")
            st.button("Sign in with your organisation", on_click=st.login, type="primary")
            return False
        who = oidc_identity(user)
        if not who:
            st.title("Sign in")
            st.error(
                "Your sign-in did not include a verified e-mail address or an account id; ask your "
                "identity provider's administrator to release them to this desk."
            )
            st.button("Sign out", on_click=st.logout)
            return False
        acc = account(state.engine(), who)
        st.session_state.update(
            auth_user=who, auth_role=acc.role if acc else os.environ.get("CLAIMS_OIDC_ROLE", "viewer")
        )
        return True
    if _expired():
        logout("Your session expired; sign in again.")
    if not st.session_state.get("auth_user"):
        _password_form()
        return False
    # the role may have changed since sign-in: read it again on every run
    acc = account(state.engine(), st.session_state["auth_user"])
    if acc is None:
        logout("Your account was removed.")
        st.rerun()
    st.session_state["auth_role"] = acc.role
    st.session_state["auth_seen"] = time.time()
    with st.sidebar:
        if st.button("Sign out", key="sign_out"):
            logout("Signed out.")
            st.rerun()
    return True
