"""To check: the unverified claims most worth checking first, with the reasons of their score;
claims assigned to me; verdicts waiting for approval. Claims are assigned to an analyst from the
accounts (one or many at once) and approved here; the store checks every role again."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from claims.app import state
from claims.app.render import clip, md
from claims.store import ClaimFilter, Conflict, EditError, count_claims, list_claims
from claims.store.accounts import EDIT_ROLES, PermissionDenied, list_users
from claims.store.workflow import approve, assign, send_back

PAGE_SIZE = 50
VIEWS = {
    "queue": "To check (unverified, most worth checking first)",
    "mine": "Assigned to me",
    "approval": "Waiting for approval",
}


def _flash(kind: str, message: str) -> None:
    st.session_state.setdefault("checks_flash", []).append((kind, message))


def reasons_of(row: dict) -> str:
    """A claim's stored reasons as one line ("numbers: “12” · comparison: “more than” · …")."""
    try:
        return " · ".join(str(x) for x in json.loads(row.get("checkworthy_reasons") or "[]"))
    except ValueError:
        return ""


def view_filter(view: str, me: str) -> tuple[ClaimFilter, str]:
    """The claims a view shows and how they are sorted: the queue is the default (unverified)
    status, stale claims left out, by score; "mine" the analyst's assigned claims by score;
    "approval" the verdicts proposed and not yet approved, oldest first."""
    sts = state.statuses()
    if view == "mine":
        return ClaimFilter(assignee=me, include_stale=False), "checkworthy"
    if view == "approval":  # a verdict set before approval was turned on waits too
        needing = [s.key for s in sts.items if s.needs_approval]  # render() returns early when none does
        return ClaimFilter(statuses=needing, approval="unapproved", include_stale=False), "oldest"
    return ClaimFilter(statuses=[sts.default.key], include_stale=False), "checkworthy"


def _assignees() -> list[str]:
    """Who a claim can be assigned to: the accounts that may edit (none when sign-in is off)."""
    return [u["username"] for u in list_users(state.engine()) if u["role"] in EDIT_ROLES]


def render() -> None:
    st.title("To check")
    eng, sts = state.engine(), state.statuses()
    who, me = state.editor(), state.analyst()
    for kind, msg in st.session_state.pop("checks_flash", []):
        getattr(st, kind)(msg)
    view = st.radio("Show", list(VIEWS), format_func=VIEWS.get, horizontal=True, key="checks_view")
    if view == "mine" and not me:
        st.info("Enter your name in the sidebar to see the claims assigned to you.")
        return
    if view == "approval" and not any(s.needs_approval for s in sts.items):
        st.info("No status of this desk needs approval (`needs_approval = true` in its statuses file).")
        return
    f, sort = view_filter(view, me)
    total = count_claims(eng, f)
    pages = max(1, -(-total // PAGE_SIZE))
    page = int(st.number_input("Page", min_value=1, max_value=pages, step=1, key="checks_page"))
    st.caption(f"{total} claims · page {page} of {pages}")
    rows = list_claims(eng, f, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, sort=sort)
    if not rows:
        st.info({"queue": "Nothing left to check.", "mine": "No claims are assigned to you."}.get(view, "None."))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "id": r["id"],
                    "score": r["checkworthy"],
                    "claim": r["content"],
                    "speaker": r["corrected_speaker"] or r["speaker"],
                    "why": reasons_of(r),
                    "status": sts.get(r["status"]).label if r["status"] in sts.keys else r["status"],
                    "proposed by": r["proposed_by"],
                    "approval": r["approval"] or ("pending" if view == "approval" else ""),
                    "assignee": r["assignee"],
                    "article": r["article_title"] or r["article_key"],
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "score": st.column_config.ProgressColumn("Check-worthiness", min_value=0.0, max_value=1.0, format="%.2f"),
            "claim": st.column_config.TextColumn("Claim", width="large"),
            "why": st.column_config.TextColumn("Why", width="large"),
        },
    )
    by_id = {r["id"]: r for r in rows}
    labels = {
        r["id"]: f"{r['id']}: {r['corrected_speaker'] or r['speaker'] or '?'} — {clip(r['content'], 70)}" for r in rows
    }
    picked = st.multiselect("Claims", list(labels), format_func=labels.get, key="checks_pick")
    c1, c2, c3 = st.columns([2, 1, 1])
    people = _assignees()
    if people:
        to = c1.selectbox("Assign to", people, index=None, key="checks_assignee", placeholder="Choose an analyst")
    else:  # sign-in off: no accounts to choose from, the name is typed (and not verified)
        to = c1.text_input("Assign to (name)", key="checks_assignee_name").strip() or None
    if c2.button(f"Assign {len(picked)}", disabled=not who or not picked or not to, key="checks_assign"):
        try:
            done, conflicts = assign(eng, [(i, by_id[i]["version"]) for i in picked], to or "", analyst=who)
            _flash("success", f"Assigned {len(done)} claims to {md(to)}.")
            if conflicts:
                _flash("warning", f"{len(conflicts)} claims changed meanwhile and were not assigned; try again.")
        except (EditError, PermissionDenied) as e:
            _flash("error", md(e))
        st.session_state.pop("checks_pick", None)
        st.rerun()
    if c3.button("Open in Review", disabled=len(picked) != 1, key="checks_open"):
        state.open_in_review(picked[0])
    if view == "approval":
        own = [i for i in picked if by_id[i]["proposed_by"] == who]
        if own:
            st.caption(f"{len(own)} of the selected verdicts are yours: another analyst or an admin approves them.")
        b1, b2 = st.columns(2)
        for col, label, act, done in (
            (b1, f"Approve {len(picked)} verdicts", approve, "Approved"),
            (b2, f"Send {len(picked)} back to their proposers", send_back, "Sent back"),
        ):
            key = "checks_approve" if act is approve else "checks_send_back"
            kind = "primary" if act is approve else "secondary"
            if col.button(label, type=kind, disabled=not who or not picked, key=key):
                ok, refused = 0, []
                for i in picked:
                    try:
                        act(eng, i, base_version=by_id[i]["version"], analyst=who, statuses=sts)
                        ok += 1
                    except (EditError, PermissionDenied, Conflict) as e:
                        refused.append(f"claim {i}: {e}")
                _flash("success", f"{done} {ok} verdicts.")
                for line in refused:
                    _flash("error", md(line))
                st.session_state.pop("checks_pick", None)
                st.rerun()
