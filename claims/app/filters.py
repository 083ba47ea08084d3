"""The claim filter widgets shared by the Review and Dashboard pages."""

from __future__ import annotations

import streamlit as st

from claims.app import state
from claims.store import ClaimFilter
from claims.store.query import distinct_values, list_articles


def claim_filter(prefix: str) -> ClaimFilter:
    """Filter widgets (in an expander); returns the filter they describe."""
    eng, sts = state.engine(), state.statuses()
    with st.expander("Filters", expanded=True):
        c1, c2, c3 = st.columns(3)
        statuses = c1.multiselect("Status", sts.keys, format_func=lambda k: sts.get(k).label, key=f"{prefix}_status")
        speaker = c2.text_input("Speaker (any spelling or script)", key=f"{prefix}_speaker")
        text = c3.text_input("Text in the claim", key=f"{prefix}_text")
        c4, c5, c6, c7 = st.columns(4)
        arts = list_articles(eng, limit=500)
        labels = {a["id"]: f"{a['title'] or a['article_key']} ({a['article_key']})" for a in arts}
        article = c4.selectbox(
            "Article", [None, *labels], format_func=lambda i: "All" if i is None else labels[i], key=f"{prefix}_article"
        )
        outlets = distinct_values(eng, "outlet")
        outlet = c5.selectbox("Outlet", ["", *outlets], format_func=lambda o: o or "All", key=f"{prefix}_outlet")
        langs = distinct_values(eng, "lang")
        lang = c6.selectbox("Language", ["", *langs], format_func=lambda x: x or "All", key=f"{prefix}_lang")
        hide_stale = c7.checkbox(
            "Hide stale claims", value=False, key=f"{prefix}_stale", help="Claims the latest extraction no longer finds"
        )
        c8, c9 = st.columns(2)
        date_from = c8.text_input("Published from (YYYY-MM-DD)", key=f"{prefix}_from")
        date_to = c9.text_input("Published to (YYYY-MM-DD)", key=f"{prefix}_to")
    return ClaimFilter(
        statuses=statuses,
        speaker=speaker,
        text=text,
        article_id=article,
        outlet=outlet,
        lang=lang,
        published_from=date_from.strip(),
        published_to=date_to.strip(),
        include_stale=not hide_stale,
    )
