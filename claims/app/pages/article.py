"""Article: the text with every claim highlighted inline (speaker, cue, content), status shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claims.app import state
from claims.app.render import highlight_article, language_name, legend, md, md_link
from claims.store.query import get_article, list_articles


def render() -> None:
    st.title("Article")
    eng, sts = state.engine(), state.statuses()
    search = st.text_input("Find an article (title or id)", key="article_search")
    arts = list_articles(eng, limit=300, search=search)
    if not arts:
        st.info(
            "No article matches that search."
            if search.strip()
            else "No articles yet: add some on the Add articles page."
        )
        return
    labels = {a["id"]: f"{a['title'] or a['article_key']} · {a['outlet'] or '—'} · {a['article_key']}" for a in arts}
    ids = list(labels)
    wanted = st.query_params.get("article") or st.session_state.get("last_article_id")
    try:
        index = ids.index(int(wanted)) if wanted is not None else 0
    except (ValueError, TypeError):
        index = 0
    article_id = st.selectbox("Article", ids, index=index, format_func=labels.get, key="article_pick")
    art = get_article(eng, article_id)
    if art is None:
        st.warning("That article no longer exists.")
        return
    st.markdown(  # md(): a title or URL may hold Markdown images (beacons) and links (phishing)
        f"### {md(art['title'] or art['article_key'])}  \n"
        f"{md(art['outlet'] or '')} {md(art['published'] or '')} · language {md(language_name(art['lang']))} · "
        f"{len(art['claims'])} claims" + (f" · {md_link('source', art['url'])}" if art["url"] else "")
    )
    st.html(legend())
    st.html(highlight_article(art["text"], art["claims"], sts))
    if art["claims"]:
        st.caption("Click a row to open that claim in Review.")
        table = pd.DataFrame(art["claims"])[["id", "status", "speaker", "cue", "content", "source", "date", "stale"]]
        table["status"] = [sts.get(s).label if s in sts.keys else s for s in table["status"]]
        picked = st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="single-row",
            key=f"article_claims_{article_id}",
        )
        rows = picked.selection.rows if picked is not None else []
        if rows:
            state.open_in_review(int(table.iloc[rows[0]]["id"]))
