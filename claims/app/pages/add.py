"""Add articles: paste, upload (.txt, .csv, .jsonl, .html) or fetch a URL; preview, then save."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claims import extract_article
from claims.app import state
from claims.inputs import Article, InputError, html_to_text, read_bytes
from claims.store import ingest_text

PREVIEW_COLUMNS = ["speaker", "speaker_mention", "cue", "kind", "content", "source", "date", "confidence", "flags"]
MAX_FETCH_BYTES = 10_000_000


def _preview(text: str, lang: str | None) -> None:
    claims = extract_article(text, lang=lang).claims
    if not claims:
        st.info("No attributed statements found in this text.")
        return
    st.write(f"**{len(claims)} claims** found:")
    df = pd.DataFrame([c.to_dict() for c in claims])[PREVIEW_COLUMNS]
    df["flags"] = df["flags"].map(", ".join)
    st.dataframe(df, hide_index=True, width="stretch")


def _save(art: Article, lang: str | None) -> None:
    try:
        r = ingest_text(
            state.engine(),
            art.text,
            article_key=art.article_id or None,
            title=art.meta.get("title", ""),
            url=art.meta.get("url", ""),
            outlet=art.meta.get("outlet", ""),
            published=art.meta.get("published", ""),
            lang=lang,
            statuses=state.statuses(),
            analyst=state.analyst(),  # the store checks the role and records who added it
        )
    except Exception as e:  # shown, never a traceback; the transaction rolled back
        st.error(f"{art.origin}: not saved: {e}")
        return
    if r.outcome == "duplicate":
        st.warning(f"Already in the store as article **{r.article_key}**; nothing changed.")
    else:
        st.success(f"Saved article **{r.article_key}** with {r.claims_new} claims.")
        st.session_state["last_article_id"] = r.article_id


def _paste(lang: str | None) -> None:
    with st.form("paste"):
        title = st.text_input("Title")
        c1, c2, c3 = st.columns(3)
        url = c1.text_input("URL")
        outlet = c2.text_input("Outlet")
        published = c3.text_input("Date (YYYY-MM-DD)")
        text = st.text_area("Article text", height=260, key="paste_text")
        c4, c5 = st.columns(2)
        preview = c4.form_submit_button("Preview claims")
        save = c5.form_submit_button("Save article", type="primary")
    if not (preview or save):
        return
    if not text.strip():
        st.error("The article text is empty.")
        return
    _preview(text, lang)
    if save:
        meta = {"title": title, "url": url, "outlet": outlet, "published": published}
        _save(Article("", text, "pasted text", {k: v for k, v in meta.items() if v}), lang)


def _upload(lang: str | None) -> None:
    files = st.file_uploader(
        "Files",
        type=["txt", "csv", "jsonl", "html", "htm"],
        accept_multiple_files=True,
        help=".txt = one article; .csv/.jsonl = columns id, text (title, url, outlet, published "
        "optional); .html = the page's main text",
    )
    if not files or not st.button("Save uploaded articles", type="primary"):
        return
    items: list[Article | InputError] = []
    for f in files:
        items.extend(read_bytes(f.name, f.getvalue(), unknown_as_text=False))
    bar = st.progress(0.0, text="saving…")
    problems = [i for i in items if isinstance(i, InputError)]
    articles = [i for i in items if isinstance(i, Article)]
    for n, art in enumerate(articles, 1):
        _save(art, lang)
        bar.progress(n / len(articles), text=f"{n} of {len(articles)}")
    bar.empty()
    for p in problems:
        st.error(f"Skipped {p.origin}: {p.message}")
    st.write(f"{len(articles)} articles read, {len(problems)} skipped.")


def _fetch(lang: str | None) -> None:
    url = st.text_input("Article URL", placeholder="https://…")
    if not url or not st.button("Fetch and save", type="primary"):
        return
    if not url.startswith(("http://", "https://")):
        st.error("Give an http(s) URL.")
        return
    import requests

    try:
        resp = requests.get(url, timeout=15, headers={"User-Agent": "claims-desk/0.1"}, stream=True)
        resp.raise_for_status()
        data = resp.raw.read(MAX_FETCH_BYTES + 1, decode_content=True)
    except requests.RequestException as e:
        st.error(f"Could not fetch {url}: {e}")
        return
    if len(data) > MAX_FETCH_BYTES:
        st.error("That page is larger than 10 MB; save it and upload the file instead.")
        return
    try:
        text, meta = html_to_text(data.decode(resp.encoding or "utf-8", errors="replace"))
    except ValueError as e:
        st.error(f"{url}: {e}")
        return
    meta.setdefault("url", url)
    _preview(text, lang)
    _save(Article("", text, url, meta), lang)


def render() -> None:
    st.title("Add articles")
    lang_choice = st.radio(
        "Language",
        ["auto", "hi", "en"],
        horizontal=True,
        format_func={"auto": "Detect", "hi": "Hindi", "en": "English"}.get,
    )
    lang = None if lang_choice == "auto" else lang_choice
    paste, upload, fetch = st.tabs(["Paste text", "Upload files", "Fetch a URL"])
    with paste:
        _paste(lang)
    with upload:
        _upload(lang)
    with fetch:
        _fetch(lang)
