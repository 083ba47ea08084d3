"""The same claim across articles on the Review page: "seen in N articles", the group's claims,
its verdict, and the one action that offers a verdict to the rest of the group
(claims.store.group_verdicts: applied only once the analyst confirms, claim by claim)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claims.app import state
from claims.app.render import md
from claims.store.group_verdicts import apply_verdict, has_verdict, offer_verdict
from claims.store.grouping import group_members, group_sizes


def seen_in(rows: list[dict]) -> dict[int, str]:
    """Claim id → "N articles (group G)" for the claims of ``rows`` that are in a group."""
    sizes = group_sizes(state.engine(), [r.get("group_id") for r in rows])
    return {
        r["id"]: f"{sizes[r['group_id']][1]} articles (group {r['group_id']})"
        for r in rows
        if r.get("group_id") in sizes
    }


def panel(c: dict, who: str | None) -> None:
    """The group of the opened claim ``c``: its claims, the verdict it has, and the offer."""
    gid = c.get("group_id")
    if gid is None:
        return
    eng, sts = state.engine(), state.statuses()
    members = group_members(eng, gid)
    articles = len({m["article_id"] for m in members})
    st.markdown(f"**The same claim:** seen in {articles} articles ({len(members)} claims, group {gid})")
    judged = [m for m in members if m["id"] != c["id"] and has_verdict(m, sts)]
    verdicts = sorted({m["status"] for m in judged})
    if verdicts:
        said = "; ".join(
            f"**{md(sts.get(v).label)}** on claim "
            + ", ".join(f"{m['id']} ({md(m['updated_by'])})" for m in judged if m["status"] == v)
            for v in verdicts
        )
        if len(verdicts) == 1:
            st.info(f"The group's verdict: {said}")
        else:
            st.warning(f"The group's claims have different verdicts: {said}")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "id": m["id"],
                    "": "representative" if m["representative"] else "",
                    "status": sts.get(m["status"]).label if m["status"] in sts.keys else m["status"],
                    "speaker": m["corrected_speaker"] or m["speaker"],
                    "claim": m["content"],
                    "outlet": m["outlet"],
                    "published": m["published"],
                    "article": m["title"] or m["article_key"],
                }
                for m in members
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    offer = offer_verdict(eng, c["id"], sts)
    if offer is None or not (offer.fill or offer.differ):
        return
    label = sts.get(c["status"]).label
    box = st.container(border=True)
    box.markdown(f"Give this claim's verdict (**{md(label)}**) to the other claims of the group?")
    fill = [(m["id"], m["version"]) for m in offer.fill]
    overwrite = []
    if offer.differ:
        box.warning(
            "Analysts gave these claims another verdict; they keep it unless you tick them: "
            + ", ".join(f"claim {m['id']} ({md(sts.get(m['status']).label)})" for m in offer.differ)
        )
        overwrite = box.multiselect(
            "Overwrite their verdict too", [m["id"] for m in offer.differ], key=f"group_overwrite_{c['id']}"
        )
    targets = fill + [(m["id"], m["version"]) for m in offer.differ if m["id"] in overwrite]
    sure = box.checkbox(
        f"Yes: set {len(targets)} claims to {md(label)} (each logged in its history)", key=f"group_sure_{c['id']}"
    )
    if box.button("Apply to the group", disabled=not who or not sure or not targets, key=f"group_go_{c['id']}"):
        done = apply_verdict(eng, c["id"], targets, analyst=who or "", overwrite=overwrite, statuses=sts)
        st.session_state.setdefault("review_flash", []).append(
            (
                "success" if not done.conflicts else "warning",
                f"Verdict given to {len(done.done)} claims"
                + (f"; {len(done.conflicts)} changed meanwhile and were left as they are" if done.conflicts else "")
                + (f"; {kept} kept their own verdict" if (kept := len(offer.differ) - len(overwrite)) else "")
                + ".",
            )
        )
        st.session_state["review_nonce"] = st.session_state.get("review_nonce", 0) + 1
        st.rerun()
