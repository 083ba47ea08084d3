"""Entry point of the desk: page setup, sign-in, the analyst's name, navigation."""

from __future__ import annotations

import math
import os

import streamlit as st
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError

from claims.app import auth, state
from claims.app.pages import add, admin, article, checks, dashboard, review, speakers
from claims.app.render import md
from claims.redact import store_problem
from claims.store.db import resolve_url

PAGES = {
    "add": (add.render, "Add articles", ":material/note_add:"),
    "review": (review.render, "Review", ":material/fact_check:"),
    "checks": (checks.render, "To check", ":material/priority_high:"),
    "article": (article.render, "Article", ":material/article:"),
    "speakers": (speakers.render, "Speakers", ":material/groups:"),
    "dashboard": (dashboard.render, "Dashboard and export", ":material/monitoring:"),
}

UNREACHABLE = (
    "The claims store cannot be used right now: {error}. Everything saved is safe in the database; "
    "unsaved edits stay on this page. Try again in a moment."
)


def _unreachable(e: Exception) -> None:
    st.cache_resource.clear()  # reconnect on the next run
    try:
        url = resolve_url(None)
    except Exception:  # the URL itself is what is wrong; store_problem says so without it
        url = ""
    st.error(UNREACHABLE.format(error=md(store_problem(e, url))))  # masked: no password on the page


def settings_problem() -> str | None:
    """What is wrong with the desk's environment settings, if anything (checked before use, so a
    typo is a sentence on the page rather than a traceback)."""
    raw = os.environ.get("CLAIMS_SESSION_MINUTES", "480")
    try:
        minutes = float(raw)
    except ValueError:
        minutes = math.nan
    if not (math.isfinite(minutes) and minutes > 0):
        return f"CLAIMS_SESSION_MINUTES must be a positive number of minutes (it is {raw!r}); the default is 480."
    return None


def forget_previous_user() -> None:
    """Clear the whole session when its signed-in user changes or leaves (sign-out, expiry, a
    removed account): the next person in this browser tab must not see the last one's pending
    conflicts, open claim or drafts, nor save them under their own name."""
    owner, user = st.session_state.get("session_owner"), st.session_state.get("auth_user")
    if owner is not None and owner != user:
        message = st.session_state.get("auth_message")
        st.session_state.clear()
        st.query_params.clear()  # the address named the last user's open claim and filters
        if message:
            st.session_state["auth_message"] = message
    if user:
        st.session_state["session_owner"] = user


def main() -> None:
    st.set_page_config(page_title="claims desk", page_icon=":material/fact_check:", layout="wide")
    if problem := settings_problem():
        st.error(md(problem))
        st.stop()
    forget_previous_user()
    try:
        state.engine()
        if not auth.gate():
            forget_previous_user()  # the gate may just have signed someone out (expiry)
            st.stop()
    except SQLAlchemyError as e:  # unreachable server, bad URL, locked or damaged file: explained
        _unreachable(e)
        st.stop()
    forget_previous_user()
    state.analyst_box()
    pages = dict(PAGES)
    if state.role() == "admin" and st.session_state.get("auth_user"):
        pages["admin"] = (admin.render, "Admin", ":material/admin_panel_settings:")
    made = {
        # the start page is served at "/"; its own path ("start") only reserves a name
        key: st.Page(fn, title=title, icon=icon, url_path="start" if key == "review" else key, default=key == "review")
        for key, (fn, title, icon) in pages.items()
    }
    state.NAVIGATION.update(made)  # the same pages for every session (never cleared: no gap to race)
    nav = st.navigation(
        list(made.values())
        # Review is the start page, served at "/"; a link or bookmark to /review (with its
        # filters and claim) would otherwise be "page not found" and lose them
        + [st.Page(_review_link, title="Review", url_path="review", visibility="hidden")]
    )
    try:
        nav.run()
    except DatabaseError as e:  # the database went away or broke mid-session: say so; nothing half-written
        if not (isinstance(e, OperationalError) or _damaged(e)):
            raise  # an integrity or programming error is a bug to see, not an outage to explain
        _unreachable(e)


def _review_link() -> None:
    review.render()


def _damaged(e: DatabaseError) -> bool:
    text = str(e.orig or e)
    return "file is not a database" in text or "malformed" in text
