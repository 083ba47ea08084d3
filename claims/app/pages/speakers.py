"""Speakers: everyone who said something, across articles; merge, split an alias, reassign."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claims.app import state
from claims.app.render import md
from claims.store import Conflict, EditError, get_claim, update_claim
from claims.store.person_suggestions import fingerprint, suggest_merges
from claims.store.speakers import list_persons, merge_persons, split_alias, unmerge_persons


def render() -> None:
    st.title("Speakers")
    eng, sts = state.engine(), state.statuses()
    who = state.editor()
    for kind, msg in st.session_state.pop("speakers_flash", []):
        getattr(st, kind)(msg)
    search = st.text_input("Search speakers", key="speakers_search")
    people = list_persons(eng, search=search)
    if not people:
        st.info("No speaker matches that search." if search.strip() else "No speakers yet.")
        return
    table = pd.DataFrame(
        [
            {
                "id": p["id"],
                "speaker": p["name"],
                "type": p["type"],
                "claims": p["n"],
                **{sts.get(k).label: p["by_status"].get(k, 0) for k in sts.keys},
                "aliases": ", ".join(p["aliases"]),
            }
            for p in people
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    labels = {p["id"]: f"{p['name']} (#{p['id']}, {p['n']} claims)" for p in people}
    aliases = {p["id"]: p["aliases"] for p in people}

    def flash(kind: str, msg: str) -> None:
        st.session_state.setdefault("speakers_flash", []).append((kind, msg))

    _suggested(eng, who, flash)

    st.subheader("Merge two speakers")
    # nothing chosen until the analyst chooses: a pre-selected pair was one click from a wrong merge
    c1, c2 = st.columns(2)
    keep = c1.selectbox("Keep", list(labels), format_func=labels.get, key="merge_keep", index=None)
    drop = c2.selectbox("Merge into it", list(labels), format_func=labels.get, key="merge_drop", index=None)
    if keep is not None and drop is not None and keep != drop:
        sure = st.checkbox(
            f"Yes: {md(labels[drop])} and {md(labels[keep])} are one person; merge them into {md(labels[keep])}",
            key="merge_sure",
        )
        if st.button("Merge", disabled=not who or not sure, key="merge_go"):
            try:
                n = merge_persons(eng, keep, drop, analyst=who)
                flash("success", f"Merged {md(labels[drop])} into {md(labels[keep])}: {n} claims moved.")
                st.session_state["merge_undo"] = (keep, drop, labels[keep], labels[drop])
            except EditError as e:
                flash("error", md(e))
            for k in ("merge_keep", "merge_drop", "merge_sure"):
                st.session_state.pop(k, None)
            st.rerun()
    undo = st.session_state.get("merge_undo")
    if undo:
        keep_id, drop_id, keep_label, drop_label = undo
        if st.button(
            f"Undo the merge of {md(drop_label)} into {md(keep_label)}", disabled=not who, key="merge_undo_go"
        ):
            try:
                n = unmerge_persons(eng, keep_id, drop_id, analyst=who)
                flash("success", f"Merge undone: {md(drop_label)} is a speaker again ({n} claims moved back).")
            except EditError as e:
                flash("error", md(e))
            st.session_state.pop("merge_undo", None)
            st.rerun()

    st.subheader("Split off a wrong alias")
    c1, c2, c3 = st.columns([2, 2, 1])
    person = c1.selectbox("Speaker", list(labels), format_func=labels.get, key="split_person")
    options = [a for a in aliases.get(person, []) if a != next(p["name"] for p in people if p["id"] == person)]
    alias = c2.selectbox("Alias", options, key="split_alias") if options else None
    if c3.button("Split", disabled=not who or not alias, key="split_go"):
        try:
            split_alias(eng, person, alias, analyst=who)
            flash("success", f"“{md(alias)}” is now a speaker of its own.")
        except EditError as e:
            flash("error", md(e))
        st.rerun()

    st.subheader("Reassign a claim's speaker")
    c1, c2, c3 = st.columns([1, 2, 1])
    claim_id = c1.number_input("Claim id", min_value=1, step=1, key="reassign_claim")
    new_speaker = c2.text_input("New speaker", key="reassign_speaker")
    if c3.button("Reassign", disabled=not who or not new_speaker.strip(), key="reassign_go"):
        c = get_claim(eng, int(claim_id))
        if c is None:
            flash("error", f"No claim {int(claim_id)}.")
        else:
            try:
                update_claim(
                    eng,
                    c["id"],
                    base_version=c["version"],
                    analyst=who,
                    statuses=sts,
                    corrected_speaker=new_speaker.strip(),
                )
                flash("success", f"Claim {c['id']} now attributed to {md(new_speaker.strip())} (logged).")
            except (Conflict, EditError) as e:
                flash("error", md(e))
        st.rerun()
    if not who:
        st.info("Enter your name in the sidebar to make corrections.")


def _suggested(eng, who: str | None, flash) -> None:
    """Merges the store suggests, each with its evidence; one is applied only when the analyst
    ticks that the two are one person (as for a merge chosen by hand)."""
    # about a second for 10,000 persons: kept for the session until persons or claims change
    key = fingerprint(eng)
    cached = st.session_state.get("suggest_cache")
    if not cached or cached[0] != key:
        cached = st.session_state["suggest_cache"] = (key, suggest_merges(eng))
    found = cached[1]
    if not found:
        return
    st.subheader("Suggested merges")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "keep": f"{s.keep_name} (#{s.keep_id}, {s.keep_claims} claims)",
                    "merge into it": f"{s.drop_name} (#{s.drop_id}, {s.drop_claims} claims)",
                    "evidence": "; ".join(s.evidence),
                    "check first": "yes" if s.ambiguous else "",
                }
                for s in found
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    labels = {i: f"{s.drop_name} → {s.keep_name}" for i, s in enumerate(found)}
    pick = st.selectbox("Suggestion", list(labels), format_func=labels.get, index=None, key="suggest_pick")
    if pick is None:
        return
    s = found[pick]
    sure = st.checkbox(
        f"Yes: {md(s.drop_name)} and {md(s.keep_name)} are one person; merge them into {md(s.keep_name)}",
        key="suggest_sure",
    )
    if st.button("Merge as suggested", disabled=not who or not sure, key="suggest_go"):
        try:
            n = merge_persons(eng, s.keep_id, s.drop_id, analyst=who or "")
            flash("success", f"Merged {md(s.drop_name)} into {md(s.keep_name)}: {n} claims moved.")
            st.session_state["merge_undo"] = (s.keep_id, s.drop_id, s.keep_name, s.drop_name)
        except EditError as e:
            flash("error", md(e))
        for k in ("suggest_pick", "suggest_sure"):
            st.session_state.pop(k, None)
        st.rerun()
