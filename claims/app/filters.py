"""The claim filter widgets shared by the Review and Dashboard pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from claims.app import state
from claims.app.cache import cached
from claims.app.render import language_name, md
from claims.store import ClaimFilter
from claims.store.query import distinct_values, list_articles, named_persons


def restore(key: str, valid: Callable[[Any], bool] | None = None) -> None:
    """Put back a widget's last value before it is drawn. Streamlit forgets a widget's value
    when a run does not draw it (the analyst visited another page), so every filter is kept
    under a key of its own too; a kept value no longer on offer (``valid``) is dropped."""
    saved = st.session_state.setdefault("kept_widgets", {})
    if key not in st.session_state and key in saved and (valid is None or valid(saved[key])):
        st.session_state[key] = saved[key]


def remember(key: str, value: Any) -> None:
    st.session_state.setdefault("kept_widgets", {})[key] = value


# The filters a link can carry (?status=false,true&speaker=Modi&…): widget name → query key.
QUERY_KEYS = {
    "status": "status",
    "speaker": "speaker",
    "text": "q",
    "outlet": "outlet",
    "lang": "lang",
    "from": "from",
    "to": "to",
    "kind": "kind",
    "flag": "flag",
    "assignee": "assignee",
    "editor": "editor",
}
LISTS = ("status", "kind")
KINDS = ("direct", "indirect", "mixed")
FLAGS = ("mental_state", "request", "author_voice", "unclosed_quote", "unresolved_speaker")


def from_query(prefix: str, offered: dict[str, list]) -> None:
    """Set the filter widgets from the page's query string when it changed (a link opened, the
    browser's back button); values not on offer are left out."""
    qp = st.query_params.to_dict()
    seen = repr(sorted(qp.items()))
    if st.session_state.get(f"{prefix}_query_seen") == seen:
        return
    st.session_state[f"{prefix}_query_seen"] = seen
    for name, q in QUERY_KEYS.items():
        if q not in qp:
            continue
        value: Any = [v for v in qp[q].split(",") if v] if name in LISTS else qp[q]
        if name in offered:
            value = [v for v in value if v in offered[name]] if name in LISTS else value
            if name not in LISTS and value not in offered[name]:
                continue
        st.session_state[f"{prefix}_{name}"] = value


def query_of(prefix: str) -> dict[str, str]:
    """The filters now set, as query-string values (empty ones left out)."""
    out = {}
    for name, q in QUERY_KEYS.items():
        value = st.session_state.get(f"{prefix}_{name}")
        text = ",".join(value) if isinstance(value, list) else (value or "")
        if str(text).strip():
            out[q] = str(text)
    return out


def claim_filter(prefix: str, *, linkable: bool = False) -> ClaimFilter:
    """Filter widgets (in an expander); returns the filter they describe, kept across pages and,
    when ``linkable``, read from the query string (a deep link) first."""
    eng, sts = state.engine(), state.statuses()
    names = ("status", "speaker", "person", "text", "article", "outlet", "lang", "stale", "from", "to")
    keys = [f"{prefix}_{k}" for k in (*names, "kind", "flag", "assignee", "editor", "mine")]
    for key in keys:
        restore(key)
    outlets, langs, arts = cached(eng, "filter_lists", lambda: _lists(eng))
    if linkable:
        from_query(
            prefix,
            {"status": sts.keys, "outlet": ["", *outlets], "lang": ["", *langs], "kind": KINDS, "flag": ["", *FLAGS]},
        )
    with st.expander("Filters", expanded=True):
        c1, c2, c3 = st.columns(3)
        statuses = c1.multiselect("Status", sts.keys, format_func=lambda k: sts.get(k).label, key=f"{prefix}_status")
        speaker = c2.text_input("Speaker (any spelling or script)", key=f"{prefix}_speaker")
        text = c3.text_input("Text in the claim", key=f"{prefix}_text")
        person = _which_person(eng, speaker, prefix)
        c4, c5, c6, c7 = st.columns(4)
        labels = {a["id"]: f"{a['title'] or a['article_key']} ({a['article_key']})" for a in arts}
        article = c4.selectbox(
            "Article", [None, *labels], format_func=lambda i: "All" if i is None else labels[i], key=f"{prefix}_article"
        )
        outlet = c5.selectbox("Outlet", ["", *outlets], format_func=lambda o: o or "All", key=f"{prefix}_outlet")
        lang = c6.selectbox(
            "Language", ["", *langs], format_func=lambda x: language_name(x) if x else "All", key=f"{prefix}_lang"
        )
        hide_stale = c7.checkbox(
            "Hide stale claims", value=False, key=f"{prefix}_stale", help="Claims the latest extraction no longer finds"
        )
        c8, c9, c10, c11 = st.columns(4)
        date_from = c8.text_input("Published from (YYYY-MM-DD)", key=f"{prefix}_from")
        date_to = c9.text_input("Published to (YYYY-MM-DD)", key=f"{prefix}_to")
        kinds = c10.multiselect("Kind", KINDS, key=f"{prefix}_kind")
        flag = c11.selectbox(
            "Flag", ["", *FLAGS], format_func=lambda x: x.replace("_", " ") if x else "Any", key=f"{prefix}_flag"
        )
        c12, c13, c14 = st.columns(3)
        me = state.analyst()
        mine = c12.checkbox("My queue (assigned to me)", key=f"{prefix}_mine", disabled=not me)
        assignee = c13.text_input("Assigned to", key=f"{prefix}_assignee", disabled=mine and bool(me))
        editor = c14.text_input("Last edited by", key=f"{prefix}_editor")
    for key in keys:
        remember(key, st.session_state.get(key))
    return ClaimFilter(
        statuses=statuses,
        speaker="" if person is not None else speaker,
        person_id=person,
        text=search_words(text),
        article_id=article,
        outlet=outlet,
        lang=lang,
        published_from=iso_date(date_from, "Published from"),
        published_to=iso_date(date_to, "Published to"),
        include_stale=not hide_stale,
        kinds=kinds,
        flag=flag,
        assignee=me if mine and me else assignee,
        updated_by=editor,
    )


def _lists(eng) -> tuple[list[str], list[str], list[dict]]:
    """What the Outlet, Language and Article lists offer (read once per store version: every
    rerun of Review and the Dashboard draws them)."""
    return distinct_values(eng, "outlet"), distinct_values(eng, "lang"), list_articles(eng, limit=500)


def _which_person(eng, speaker: str, prefix: str) -> int | None:
    """When a typed name fits several people (two Modis), they are offered one by one: a name
    shared by different people never makes them one speaker."""
    people = named_persons(eng, speaker) if speaker.strip() else []
    if len(people) < 2:
        st.session_state.pop(f"{prefix}_person", None)
        return None
    labels = {p["id"]: f"{p['name']} (#{p['id']}, {p['n']} claims)" for p in people}
    if st.session_state.get(f"{prefix}_person") not in (None, *labels):
        st.session_state.pop(f"{prefix}_person")
    return st.selectbox(
        f"{len(people)} people match “{md(speaker.strip())}”",
        [None, *labels],
        format_func=lambda i: f"All {len(people)}" if i is None else labels[i],
        key=f"{prefix}_person",
    )


# Each word of a text search is one condition in the query: SQLite refuses an expression tree
# over 1000 deep (a pasted paragraph used to come back as "store not reachable").
MAX_SEARCH_WORDS = 20


def search_words(text: str) -> str:
    """The text search as at most MAX_SEARCH_WORDS distinct words, saying so when it cuts."""
    words = list(dict.fromkeys(text.split()))
    if len(words) > MAX_SEARCH_WORDS:
        st.warning(f"The text search uses the first {MAX_SEARCH_WORDS} of its {len(words)} different words.")
    return " ".join(words[:MAX_SEARCH_WORDS])


def iso_date(value: str, label: str) -> str:
    """A date filter as YYYY-MM-DD (stored dates are ISO, so they compare as strings only in this
    form: "2024-1-5" or "5 Jan" would compare wrong); anything else is explained and ignored."""
    parsed = iso_or_none(value)
    if parsed is None:
        st.warning(f"{label}: {md(value.strip())} is not a date as YYYY-MM-DD; that filter is not applied.")
        return ""
    return parsed


def iso_or_none(value: str) -> str | None:
    """A typed date as YYYY-MM-DD; "" for none; None when it is not a date (the caller says so)."""
    value = value.strip()
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None
