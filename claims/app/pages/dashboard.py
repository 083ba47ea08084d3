"""Dashboard and export: counts by status, speaker and outlet; downloads of the filtered set.

The downloads are built only when one is clicked (a callable given to ``st.download_button``
runs on click, on its own thread): opening the page or changing a filter used to write every
matching claim to CSV and make a second pass for ClaimReview on every run, 4.6 s at 100,000
claims, and the browser fetched both files before anyone asked for them.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from urllib.parse import urlsplit

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from claims.app import state
from claims.app.filters import claim_filter
from claims.store import ClaimFilter, count_claims, counts_by
from claims.store.export import write_claimreview, write_rows
from claims.store.query import iter_claims, reviews_by_analyst
from claims.store.statuses import Statuses

SPOOL = 8 * 2**20  # an export larger than this is built on disk, not in the server's memory


def _chart(title: str, pairs: list[tuple], label: str) -> None:
    st.markdown(f"**{title}**")
    if not pairs:
        st.caption("nothing yet")
        return
    seen: dict[str, int] = {}
    rows = []
    for name, n in pairs:  # two people of one name are two bars, not one
        seen[name] = seen.get(name, 0) + 1
        rows.append((name if seen[name] == 1 else f"{name} ({seen[name]})", n))
    df = pd.DataFrame(rows, columns=[label, "claims"]).set_index(label)
    st.bar_chart(df, horizontal=True)


def _status_chart(by_status: dict[str, int], sts: Statuses) -> None:
    """Claims by status in the statuses file's own order and colours."""
    st.markdown("**By status**")
    keys = [k for k in sts.keys if by_status.get(k)] + [k for k in by_status if k not in sts.keys]
    if not keys:
        st.caption("nothing yet")
        return
    label = {k: sts.get(k).label if k in sts.keys else k for k in keys}
    color = {k: sts.get(k).color if k in sts.keys else "#9e9e9e" for k in keys}
    data = pd.DataFrame({"status": [label[k] for k in keys], "claims": [by_status[k] for k in keys]})
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("status:N", sort=[label[k] for k in keys], title=None),
            x=alt.X("claims:Q"),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=[label[k] for k in keys], range=[color[k] for k in keys]),
                legend=None,
            ),
        )
    )
    st.altair_chart(chart, width="stretch")


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


def render() -> None:
    st.title("Dashboard and export")
    eng, sts = state.engine(), state.statuses()
    f = claim_filter("dash")
    total = count_claims(eng, f)
    by_status = dict(counts_by(eng, "status", f))
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
        _status_chart(by_status, sts)
    with c2:
        _chart("By outlet", [(o or "(none)", n) for o, n in counts_by(eng, "outlet", f, limit=15)], "outlet")
    c3, c4 = st.columns(2)
    with c3:
        _chart(
            "Top speakers (claims per person)",
            [(s or "(none)", n) for s, n in counts_by(eng, "person", f, limit=20)],
            "speaker",
        )
    with c4:
        _chart("Claims reviewed per analyst", reviews_by_analyst(eng, f), "analyst")
    months = counts_by(eng, "month", f, limit=36)
    st.markdown("**Claims over time** (by the article's month of publication)")
    if months:
        st.bar_chart(
            pd.DataFrame([(m or "(no date)", n) for m, n in months], columns=["month", "claims"]).set_index("month")
        )
    else:
        st.caption("nothing yet")

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
