"""Add articles: paste, upload (.txt, .csv, .jsonl, .html) or fetch a URL; preview, then save.

The same limits as the CLI (claims.inputs): an article is at most MAX_ARTICLE_CHARS characters
however it arrives. Fetching goes through claims.fetch (public addresses only, bounded time and
size) and is offered to analysts and admins only."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

from claims import extract_article
from claims.app import offload, state
from claims.app.filters import iso_or_none
from claims.app.render import md
from claims.fetch import FetchError, fetch
from claims.inputs import MAX_ARTICLE_CHARS, MAX_HTML_BYTES, Article, InputError, check_text, page_text, read_bytes
from claims.redact import redact
from claims.store import ingest_text
from claims.store.db import resolve_url

PREVIEW_COLUMNS = ["speaker", "speaker_mention", "cue", "kind", "content", "source", "date", "confidence", "flags"]
# The preview runs in the page's request: it reads the start of the text only, so a huge paste
# cannot hold the server (all sessions share its process) for longer than this much text takes.
PREVIEW_CHARS = 100_000
PREVIEW_ROWS = 500
FETCH_ERROR = "Could not fetch that page. Check the address, or save the page and upload the file."


def _preview(text: str, lang: str | None) -> None:
    head = text[:PREVIEW_CHARS]
    if len(text) > PREVIEW_CHARS:
        # end the preview at a paragraph or sentence, not mid-word
        cut = max(head.rfind("\n"), head.rfind(". "), head.rfind("। "))
        head = head[: cut + 1] if cut > PREVIEW_CHARS // 2 else head
        st.caption(f"The preview reads the first {len(head):,} of {len(text):,} characters; saving reads all of it.")
    claims = extract_article(head, lang=lang).claims
    if not claims:
        st.info("No attributed statements found in this text.")
        return
    st.write(f"**{len(claims)} claims** found:")
    df = pd.DataFrame([c.to_dict() for c in claims[:PREVIEW_ROWS]])[PREVIEW_COLUMNS]
    df["flags"] = df["flags"].map(", ".join)
    st.dataframe(df, hide_index=True, width="stretch")


def _store(art: Article, lang: str | None) -> tuple[str, str]:
    """Extract and store one article: ("new" | "duplicate" | "failed", what to tell the analyst)."""
    fields = dict(
        article_key=art.article_id or None,
        title=art.meta.get("title", ""),
        url=art.meta.get("url", ""),
        outlet=art.meta.get("outlet", ""),
        published=art.meta.get("published", ""),
        lang=lang,
        analyst=state.analyst(),  # the store checks the role and records who added it
    )
    try:
        if len(art.text) > offload.OFFLOAD_CHARS:  # long: extracted in a child process, bounded in time
            with st.spinner(f"Extracting {len(art.text):,} characters…"):
                r = offload.ingest_in_child(resolve_url(None), art.text, **fields)
        else:
            r = ingest_text(state.engine(), art.text, statuses=state.statuses(), **fields)
    except offload.ExtractionTimeout:
        minutes = offload.EXTRACT_SECONDS / 60
        return "failed", f"extraction took longer than {minutes:g} minutes; store it with `claims ingest` instead"
    except Exception as e:  # shown, never a traceback; the transaction rolled back
        return "failed", redact(e)
    if r.outcome == "duplicate":
        return "duplicate", f"already in the store as article {r.article_key}"
    st.session_state["last_article_id"] = r.article_id
    return "new", f"article {r.article_key}, {r.claims_new} claims"


def _save(art: Article, lang: str | None) -> None:
    outcome, detail = _store(art, lang)
    if outcome == "failed":
        st.error(f"{md(art.origin)}: not saved: {md(detail)}")
    elif outcome == "duplicate":
        st.warning(f"Already in the store: {md(detail)}; nothing changed.")
    else:
        st.success(f"Saved {md(detail)}.")


_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


def date_from_name(name: str) -> str:
    """A publication date written in a file name ("2016-09-12_story.txt", "20160912.txt"), as
    YYYY-MM-DD; "" when the name holds none that is a real date."""
    for m in _DATE_IN_NAME.finditer(name):
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            continue
    return ""


def _paste(lang: str | None) -> None:
    with st.form("paste"):
        title = st.text_input("Title")
        c1, c2, c3 = st.columns(3)
        url = c1.text_input("URL")
        outlet = c2.text_input("Outlet")
        published = c3.text_input("Date (YYYY-MM-DD)")
        # one character over the limit: Streamlit cuts a longer value to max_chars without a word,
        # so at MAX_ARTICLE_CHARS an over-long paste would be saved truncated; this way it is refused
        text = st.text_area("Article text", height=260, key="paste_text", max_chars=MAX_ARTICLE_CHARS + 1)
        c4, c5 = st.columns(2)
        preview = c4.form_submit_button("Preview claims")
        save = c5.form_submit_button("Save article", type="primary")
    if not (preview or save):
        return
    if not text.strip():
        st.error("The article text is empty.")
        return
    # checked here too: max_chars is the browser's limit, and a client can send more
    if problem := check_text(text):
        st.error(f"The article text is {problem}; nothing was saved.")
        return
    published = iso_or_none(published)  # stored as ISO so the date filters, which compare text, order it right
    if published is None:
        st.error("Give the date as YYYY-MM-DD (or leave it empty).")
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
    # for every file that does not say it itself (a CSV/JSONL row's own columns win)
    c1, c2, c3 = st.columns(3)
    batch_title = c1.text_input("Title (for files without one)", key="upload_title")
    batch_outlet = c2.text_input("Outlet (for files without one)", key="upload_outlet")
    batch_date = c3.text_input(
        "Date (YYYY-MM-DD; else from the file name)", key="upload_date", help="e.g. 2016-09-12_story.txt"
    )
    published = iso_or_none(batch_date)
    if published is None:
        st.error("Give the date as YYYY-MM-DD (or leave it empty to read it from each file name).")
    if not files or not st.button("Save uploaded articles", type="primary", disabled=published is None):
        return
    items: list[Article | InputError] = []
    for f in files:
        items.extend(read_bytes(f.name, f.getvalue(), unknown_as_text=False))
    bar = st.progress(0.0, text="saving…")
    problems = [i for i in items if isinstance(i, InputError)]
    articles = [i for i in items if isinstance(i, Article)]
    results = []
    for n, art in enumerate(articles, 1):
        given = {"title": batch_title.strip(), "outlet": batch_outlet.strip()}
        given["published"] = published or date_from_name(art.origin)
        art.meta = {**{k: v for k, v in given.items() if v}, **{k: v for k, v in art.meta.items() if v}}
        outcome, detail = _store(art, lang)
        results.append({"result": outcome, "title": art.meta.get("title") or art.origin, "detail": detail})
        bar.progress(n / len(articles), text=f"{n} of {len(articles)}")
    bar.empty()
    results += [{"result": "failed", "title": p.origin, "detail": p.message} for p in problems]
    count = {k: sum(1 for r in results if r["result"] == k) for k in ("new", "duplicate", "failed")}
    summary = f"{count['new']} new, {count['duplicate']} duplicate, {count['failed']} failed."
    (st.warning if count["failed"] else st.success)(summary)
    if count["failed"]:
        st.markdown(
            "**Not saved:**  \n"
            + "  \n".join(f"- {md(r['title'])}: {md(r['detail'])}" for r in results if r["result"] == "failed")
        )
    st.dataframe(pd.DataFrame(results), hide_index=True, width="stretch")


def _fetch(lang: str | None) -> None:
    url = st.text_input("Article URL", placeholder="https://…", key="fetch_url")
    if not url or not st.button("Fetch and save", type="primary", key="fetch_go"):
        return
    if state.role() not in ("admin", "analyst"):  # the tab is not shown to viewers; a forged click
        st.error("Only analysts and admins may fetch pages.")
        return
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        st.error("Give an http(s) URL.")
        return
    try:
        page = fetch(url, max_bytes=MAX_HTML_BYTES)
        text, meta = page_text(page.data, page.content_type, page.charset)
    except FetchError:  # the reason stays here: which hosts and ports answer is not for the page
        st.error(FETCH_ERROR)
        return
    except ValueError as e:  # about the page's content (no article text, too large), not the network
        st.error(f"Fetched, but {md(e)}")
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
    may_fetch = state.role() in ("admin", "analyst")
    tabs = st.tabs(["Paste text", "Upload files", *(["Fetch a URL"] if may_fetch else [])])
    with tabs[0]:
        _paste(lang)
    with tabs[1]:
        _upload(lang)
    if may_fetch:
        with tabs[2]:
            _fetch(lang)
