"""Per-server and per-session state of the desk: the store, the statuses, the analyst."""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy import Engine

from claims.app.render import md
from claims.store import load_statuses, open_store
from claims.store.db import resolve_url
from claims.store.statuses import Statuses, check_in_use

# The desk's pages as st.navigation made them this run (main.py fills it), so a page can send
# the analyst to another one (the Article view opens a claim in Review).
NAVIGATION: dict[str, object] = {}


def open_in_review(claim_id: int) -> None:
    """Go to Review with the claim open (its address says so too: ?claim=ID)."""
    st.session_state["review_open"] = claim_id
    page = NAVIGATION.get("review")
    if page is not None:
        st.switch_page(page, query_params={"claim": str(claim_id)})


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return open_store(url)


def engine() -> Engine:
    """The store of this server: ``CLAIMS_DB_URL`` or ./claims.db, migrated on first use."""
    return _engine(resolve_url(None))


@st.cache_resource(show_spinner=False)
def _statuses(path: str) -> Statuses:
    statuses = load_statuses(path or None)
    check_in_use(engine(), statuses)  # a status some claim still has cannot be removed
    return statuses


def statuses() -> Statuses:
    return _statuses(os.environ.get("CLAIMS_STATUSES", ""))


def analyst() -> str:
    """The name stamped on every change: the signed-in user (a password account, or the OpenID
    Connect user that auth.gate() took from st.user), else the name typed this session."""
    return st.session_state.get("auth_user") or st.session_state.get("analyst", "").strip()


def analyst_box() -> None:
    """Sidebar: who is working (asked once per session)."""
    who = analyst()
    with st.sidebar:
        if st.session_state.get("auth_user"):
            st.caption(f"Signed in as **{md(who)}** ({role()})")
            if role() == "viewer":
                st.info("Viewer: read and export only.")
            return
        name = st.text_input(
            "Your name",
            value=st.session_state.get("analyst", ""),
            key="analyst_input",
            help="Stamped on every change you make",
        )
        if name.strip() != st.session_state.get("analyst", ""):
            st.session_state["analyst"] = name.strip()
        if not name.strip():
            st.info("Enter your name to edit claims.")
        # said plainly: with no accounts anyone can type any name, and the history records it as given
        st.caption("Sign-in is off: names are not verified. Anyone can type any name here.")


def role() -> str:
    """The signed-in role; ``analyst`` when sign-in is off."""
    return st.session_state.get("auth_role", "analyst") if st.session_state.get("auth_user") else "analyst"


def editor() -> str:
    """The analyst's name when they may edit, else "" (viewers, or nobody named yet). The store
    checks again on every change; this only keeps the buttons honest."""
    return analyst() if role() in ("admin", "analyst") else ""


def require_analyst() -> str | None:
    who = analyst()
    if not who:
        st.warning("Enter your name in the sidebar first: every change is signed.")
        return None
    return who
