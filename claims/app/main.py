"""Entry point of the desk: page setup, sign-in, the analyst's name, navigation."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from claims.app import auth, state
from claims.app.pages import add, admin, article, dashboard, review, speakers

PAGES = {
    "add": (add.render, "Add articles", ":material/note_add:"),
    "review": (review.render, "Review", ":material/fact_check:"),
    "article": (article.render, "Article", ":material/article:"),
    "speakers": (speakers.render, "Speakers", ":material/groups:"),
    "dashboard": (dashboard.render, "Dashboard and export", ":material/monitoring:"),
}

UNREACHABLE = (
    "The claims store is not reachable right now ({error}). Everything saved is safe in the database; "
    "unsaved edits stay on this page. Try again in a moment."
)


def _unreachable(e: Exception) -> None:
    st.cache_resource.clear()  # reconnect on the next run
    st.error(UNREACHABLE.format(error=f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"))


def main() -> None:
    st.set_page_config(page_title="claims desk", page_icon=":material/fact_check:", layout="wide")
    try:
        state.engine()
        if not auth.gate():
            st.stop()
    except SQLAlchemyError as e:  # unreachable server, bad URL, locked file: explained, not a traceback
        _unreachable(e)
        st.stop()
    state.analyst_box()
    pages = dict(PAGES)
    if state.role() == "admin" and st.session_state.get("auth_user"):
        pages["admin"] = (admin.render, "Admin", ":material/admin_panel_settings:")
    nav = st.navigation(
        [
            st.Page(fn, title=title, icon=icon, url_path=key, default=key == "review")
            for key, (fn, title, icon) in pages.items()
        ]
    )
    try:
        nav.run()
    except OperationalError as e:  # the database went away mid-session: say so; nothing was half-written
        _unreachable(e)
