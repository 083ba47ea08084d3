"""Entry point of the desk: page setup, the analyst's name, navigation."""

from __future__ import annotations

import streamlit as st

from claims.app import state
from claims.app.pages import add, article, dashboard, review, speakers

PAGES = {
    "add": (add.render, "Add articles", ":material/note_add:"),
    "review": (review.render, "Review", ":material/fact_check:"),
    "article": (article.render, "Article", ":material/article:"),
    "speakers": (speakers.render, "Speakers", ":material/groups:"),
    "dashboard": (dashboard.render, "Dashboard and export", ":material/monitoring:"),
}


def main() -> None:
    st.set_page_config(page_title="claims desk", page_icon=":material/fact_check:", layout="wide")
    try:
        state.engine()
    except Exception as e:  # the database is unreachable: say so, and retry on the next interaction
        st.error(
            f"The claims store is not reachable right now ({type(e).__name__}: {e}). "
            "Your work is safe in the database; reload when it is back."
        )
        st.cache_resource.clear()
        st.stop()
    state.analyst_box()
    nav = st.navigation(
        [
            st.Page(fn, title=title, icon=icon, url_path=key, default=key == "review")
            for key, (fn, title, icon) in PAGES.items()
        ]
    )
    nav.run()
