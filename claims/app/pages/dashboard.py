"""Dashboard and export: counts by status, speaker and outlet; downloads of the filtered set.

The downloads are built only when one is clicked (a callable given to ``st.download_button``
runs on click, on its own thread): opening the page or changing a filter used to write every
matching claim to CSV and make a second pass for ClaimReview on every run, 4.6 s at 100,000
claims, and the browser fetched both files before anyone asked for them.

The figures are read in one connection (:func:`claims.store.query.dashboard_counts`), kept per
store version and filter for every session (:mod:`claims.app.cache`: any write by anyone makes
them anew), and drawn as HTML bars.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from urllib.parse import urlsplit

import streamlit as st
from sqlalchemy import Engine

from claims.app import state
from claims.app.cache import cached
from claims.app.filters import claim_filter
from claims.app.render import bars
from claims.store import ClaimFilter
from claims.store.export import write_claimreview, write_rows
from claims.store.query import DashboardCounts, dashboard_counts, iter_claims
from claims.store.statuses import Statuses

SPOOL = 8 * 2**20  # an export larger than this is built on disk, not in the server's memory


def _distinct(pairs: list[tuple], none: str) -> list[tuple[str, int]]:
    """Labels for a bar chart: two people of one name are two bars ("Name (2)"), not one."""
    seen: dict[str, int] = {}
    out = []
    for name, n in pairs:
        name = name or none
        seen[name] = seen.get(name, 0) + 1
        out.append((name if seen[name] == 1 else f"{name} ({seen[name]})", n))
    return out


def _chart(title: str, pairs: list[tuple[str, int]], **kw) -> None:
    st.markdown(f"**{title}**")
    if not pairs:
        st.caption("nothing yet")
        return
    st.html(bars(pairs, **kw))


def status_bars(by_status: dict[str, int], sts: Statuses) -> tuple[list[tuple[str, int]], list[str]]:
    """Claims by status as (label, count) in the statuses file's own order, with its colours;
    a status the file no longer has (grey) after them."""
    keys = [k for k in sts.keys if by_status.get(k)] + [k for k in by_status if k not in sts.keys]
    pairs = [(sts.get(k).label if k in sts.keys else k, by_status[k]) for k in keys]
    return pairs, [sts.get(k).color if k in sts.keys else "#9e9e9e" for k in keys]


def _export(write: Callable[[io.TextIOBase], object], bom: bool) -> Callable[[], bytes]:
    """A callable for ``st.download_button``: the export, written when clicked. Rows come from
    the store in keyset pages and go to a spooled file, so building it holds one page of rows
    (and the file on disk once it is large), never a list of every claim."""

    def build() -> bytes:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig" if bom else "utf-8", newline="")
            write(text)
            text.flush()
            raw.seek(0)
            data = raw.read()
            text.detach()
        return data

    return build


def desk_address() -> str:
    """Where analysts reach this desk, for the links in the CSV: ``$CLAIMS_DESK_URL`` (behind a
    proxy the browser's address is the one to give), else the address this page was opened at."""
    configured = os.environ.get("CLAIMS_DESK_URL", "").strip()
    if configured:
        return configured
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # no browser (AppTest, a bare run): no address to give
        return ""
    if parts.scheme not in ("http", "https"):
        return ""
    return f"{parts.scheme}://{parts.netloc}{parts.path.rsplit('/', 1)[0]}"


def csv_export(eng: Engine, f: ClaimFilter, desk: str = "") -> Callable[[], bytes]:
    return _export(lambda fh: write_rows(iter_claims(eng, f), fh, "csv", desk), bom=True)


def claimreview_export(eng: Engine, f: ClaimFilter, sts: Statuses) -> Callable[[], bytes]:
    return _export(lambda fh: write_claimreview(iter_claims(eng, f), fh, sts), bom=False)


def counts(eng: Engine, f: ClaimFilter) -> DashboardCounts:
    """The Dashboard's figures for ``f``, computed once per store version and filter and shared
    by every session (:mod:`claims.app.cache`): any write, by anyone, makes them anew."""
    return cached(eng, "dashboard:" + repr(f), lambda: dashboard_counts(eng, f))


def render() -> None:
    st.title("Dashboard and export")
    eng, sts = state.engine(), state.statuses()
    f = claim_filter("dash")
    numbers = counts(eng, f)
    total, by_status = numbers.total, numbers.by_status
    cols = st.columns(len(sts.items))
    for col, s in zip(cols, sts.items, strict=True):
        col.metric(s.label, by_status.get(s.key, 0))
    reviewed = sum(n for k, n in by_status.items() if k != sts.keys[0])
    st.caption(
        f"{total} claims match the filters · {reviewed} reviewed"
        + (f" ({100 * reviewed / total:.0f}%)" if total else "")
        + f" (any status but {sts.get(sts.keys[0]).label})."
    )
    c1, c2 = st.columns(2)
    with c1:
        pairs, colors = status_bars(by_status, sts)
        _chart("By status", pairs, colors=colors)
    with c2:
        _chart("By outlet", _distinct(numbers.by_outlet, "(none)"))
    c3, c4 = st.columns(2)
    with c3:
        _chart("Top speakers (claims per person)", _distinct(numbers.by_person, "(none)"))
    with c4:
        _chart("Claims reviewed per analyst", numbers.by_analyst)
    _chart(
        "Claims over time (by the article's month of publication)",
        [(m or "(no date)", n) for m, n in numbers.by_month],
        vertical=True,
    )

    st.subheader("Download")
    verdicts = sum(n for k, n in by_status.items() if k in sts.keys and sts.get(k).final)
    d1, d2 = st.columns(2)
    d1.download_button(
        f"CSV ({total} claims)",
        csv_export(eng, f, desk_address()),
        "claims.csv",
        "text/csv",
        key="download_csv",
        on_click="ignore",
    )
    d2.download_button(
        f"ClaimReview JSON-LD ({verdicts} verdicts)",
        claimreview_export(eng, f, sts),
        "claimreview.json",
        "application/ld+json",
        key="download_claimreview",
        on_click="ignore",
    )
