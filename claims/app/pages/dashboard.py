"""Dashboard and export: counts by status, speaker and outlet; downloads of the filtered set."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from claims.app import state
from claims.app.filters import claim_filter
from claims.store import count_claims, counts_by
from claims.store.export import write_claimreview, write_rows
from claims.store.query import iter_claims


def _chart(title: str, pairs: list[tuple], label: str) -> None:
    st.markdown(f"**{title}**")
    if not pairs:
        st.caption("nothing yet")
        return
    df = pd.DataFrame(pairs, columns=[label, "claims"]).set_index(label)
    st.bar_chart(df, horizontal=True)


def render() -> None:
    st.title("Dashboard and export")
    eng, sts = state.engine(), state.statuses()
    f = claim_filter("dash")
    total = count_claims(eng, f)
    by_status = dict(counts_by(eng, "status", f))
    cols = st.columns(len(sts.items))
    for col, s in zip(cols, sts.items, strict=True):
        col.metric(s.label, by_status.get(s.key, 0))
    st.caption(f"{total} claims match the filters.")
    c1, c2 = st.columns(2)
    with c1:
        _chart("By status", [(sts.get(k).label if k in sts.keys else k, n) for k, n in by_status.items()], "status")
    with c2:
        _chart("By outlet", [(o or "(none)", n) for o, n in counts_by(eng, "outlet", f, limit=15)], "outlet")
    _chart("Top speakers", [(s or "(none)", n) for s, n in counts_by(eng, "person", f, limit=20)], "speaker")

    st.subheader("Download")
    csv_buf, cr_buf = io.StringIO(), io.StringIO()
    n_csv = write_rows(iter_claims(eng, f), csv_buf, "csv")
    n_cr = write_claimreview(iter_claims(eng, f), cr_buf, sts)
    d1, d2 = st.columns(2)
    d1.download_button(
        f"CSV ({n_csv} claims)", csv_buf.getvalue().encode("utf-8-sig"), "claims.csv", "text/csv", key="download_csv"
    )
    d2.download_button(
        f"ClaimReview JSON-LD ({n_cr} verdicts)",
        cr_buf.getvalue().encode("utf-8"),
        "claimreview.json",
        "application/ld+json",
        key="download_claimreview",
    )
