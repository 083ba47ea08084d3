"""Review: the claims table (filtered and paginated in the database), edited in place, with bulk
status changes, conflicts shown with what the other analyst changed, and a detail view."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from claims.app import groups, state
from claims.app.filters import claim_filter, query_of, remember, restore
from claims.app.render import badge, clip, md, md_link, sentence_context
from claims.store import (
    Conflict,
    EditError,
    bulk_status,
    count_claims,
    get_claim,
    history_of,
    list_claims,
    update_claim,
)
from claims.store.accounts import PermissionDenied
from claims.store.query import claim_versions
from claims.store.statuses import StatusError

PAGE_SIZE = 50
EDITABLE = ("status", "verdict_note")
FIELD_LABELS = {
    "status": "Status",
    "verdict_note": "Verdict note",
    "evidence": "Evidence",
    "assignee": "Assignee",
    "corrected_speaker": "Corrected speaker",
    "content": "Claim text",
    "person": "Speaker (person)",
    "stale": "Gone from the latest extraction",
}


def _flash(kind: str, message: str) -> None:
    st.session_state.setdefault("review_flash", []).append((kind, message))


def _show_flash() -> None:
    for kind, message in st.session_state.pop("review_flash", []):
        getattr(st, kind)(message)


def _keep_conflict(c: Conflict, changes: dict[str, Any]) -> None:
    """Keep a conflict for the analyst to resolve (shown above the table), never dropped."""
    st.session_state.setdefault("conflicts", {})[c.claim_id] = {
        "mine": c.mine or changes,  # only what this analyst changed: applying it clears nothing else
        "theirs": [(ch.by, ch.field, ch.new) for ch in c.changes],
        "fields": [(f.field, f.base, f.theirs, f.mine, f.by) for f in c.fields],
        "current_version": c.current_version,
    }


def _apply(claim_id: int, version: int, changes: dict[str, Any], who: str) -> bool:
    """Save one claim's changes; a conflict is kept for the analyst to resolve, never dropped."""
    try:
        update_claim(state.engine(), claim_id, base_version=version, analyst=who, statuses=state.statuses(), **changes)
        return True
    except Conflict as c:
        _keep_conflict(c, changes)
    except (EditError, StatusError, PermissionDenied) as e:
        _flash("error", f"Claim {claim_id}: {md(e)}")
    return False


def _redraw() -> None:
    """After a change: the table is read again (a new editor key; drafts are kept in the session)."""
    st.session_state["review_nonce"] = st.session_state.get("review_nonce", 0) + 1


def drafts() -> dict[int, dict[str, Any]]:
    """Table edits not saved yet, by claim id: {"version": base version, "fields": {column: value}}.
    Kept in the session (not in the table widget, which Streamlit forgets whenever the page,
    filter or rows change), so a filter, another page of results, a detail save, a bulk change
    or a visit to another page of the desk loses none of them."""
    return st.session_state.setdefault("review_drafts", {})


def track_edits(frame: pd.DataFrame, original: dict[int, dict], edited: pd.DataFrame) -> None:
    """Record the table as edited now against the rows as stored: a field set back to its stored
    value is no longer a draft."""
    pending = drafts()
    for i in range(len(edited)):
        cid = int(frame.iloc[i]["id"])
        row = original[cid]
        fields = {k: edited.iloc[i][k] for k in EDITABLE if edited.iloc[i][k] != row[k]}
        if fields:
            pending[cid] = {"version": pending.get(cid, {}).get("version", row["version"]), "fields": fields}
        else:
            pending.pop(cid, None)


def save_drafts(who: str) -> tuple[int, int]:
    """Save every pending table edit, on whatever page or filter it was made; returns (saved,
    conflicts). A conflict is kept for the analyst to resolve; an edit refused for its value stays
    a draft."""
    saved = conflicts = 0
    pending = drafts()
    for cid, d in list(pending.items()):
        if _apply(cid, d["version"], {k: _plain(v) for k, v in d["fields"].items()}, who):
            saved += 1
            del pending[cid]
        elif cid in st.session_state.get("conflicts", {}):
            conflicts += 1
            del pending[cid]
    return saved, conflicts


def _plain(value: Any) -> Any:
    """A pandas/numpy cell as a plain Python value (the store compares and stores those)."""
    return value.item() if hasattr(value, "item") else value


def _label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " "))


def _conflicts(who: str | None) -> None:
    pending = st.session_state.get("conflicts", {})
    for claim_id, c in list(pending.items()):
        theirs = "; ".join(
            f"**{md(by)}** set {md(_label(field))} to “{md(new)}”" for by, field, new in c["theirs"]
        ) or ("another analyst changed it")
        mine = ", ".join(f"{md(_label(k))} → “{md(v)}”" for k, v in c["mine"].items())
        box = st.container(border=True)
        box.error(f"Conflict on claim {claim_id}: since you loaded it, {theirs}. Your change ({mine}) was not saved.")
        clashing = {f for f, *_ in c.get("fields", [])}
        if clashing:  # the fields both changed, side by side; every other field merges by itself
            box.dataframe(
                pd.DataFrame(
                    [
                        {"field": _label(f), "before": base, "theirs": f"{new} ({by})", "yours": m}
                        for f, base, new, m, by in c["fields"]
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
        c1, c2 = box.columns(2)
        # callbacks: the change is made before the page is drawn, so one click is one run
        c1.button(
            "Apply mine on top of theirs",
            key=f"conflict_apply_{claim_id}",
            disabled=not who,
            on_click=_resolve,
            args=(claim_id, True),
        )
        c2.button(
            "Keep theirs, discard mine", key=f"conflict_drop_{claim_id}", on_click=_resolve, args=(claim_id, False)
        )


def _resolve(claim_id: int, mine: bool) -> None:
    """A conflict's button (a callback): apply my change on top of theirs, or keep theirs and
    still save my fields they did not touch (none when the claim's text changed)."""
    c = st.session_state.get("conflicts", {}).pop(claim_id, None)
    who = state.editor()
    if c is None:
        return
    if mine:
        if who and _apply(claim_id, c["current_version"], c["mine"], who):
            _flash("success", f"Claim {claim_id}: your change was applied on top.")
    else:
        clashing = {f for f, *_ in c.get("fields", [])}
        rest = {} if clashing - set(c["mine"]) else {k: v for k, v in c["mine"].items() if k not in clashing}
        now = get_claim(state.engine(), claim_id) or {}
        rest = {k: v for k, v in rest.items() if k not in now or str(now[k] or "") != str(v or "")}  # not theirs too
        if rest and who and _apply(claim_id, c["current_version"], rest, who):
            _flash("success", f"Claim {claim_id}: theirs kept; your other changes saved.")
        else:
            _flash("info", f"Claim {claim_id}: theirs kept.")
    _redraw()


def _speaker(r: dict) -> str:
    return r["corrected_speaker"] or r["speaker"] or "?"


COLUMNS = [
    "select",
    "open",
    "id",
    "state",
    "content",
    "speaker",
    "status",
    "verdict_note",
    "kind",
    "seen_in",
    "confidence",
    "assignee",
    "updated_by",
    "source",
    "date",
    "published",
    "article",
    "stale",
    "version",
]
SORT_LABELS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "confidence_low": "Confidence, lowest first",
    "confidence_high": "Confidence, highest first",
    "published_new": "Published, newest first",
    "published_old": "Published, oldest first",
    "status": "Status",
    "speaker": "Speaker",
    "assignee": "Assignee",
    "checkworthy": "Check-worthiness, highest first",
}


def _open(claim_id: int | None) -> None:
    """Open a claim in the detail view (a callback: before the page draws its widgets)."""
    st.session_state["review_open"] = claim_id


def _status_label(key: str) -> str:
    try:
        return state.statuses().get(key).label
    except StatusError:  # a status the file no longer has (it cannot be dropped while in use)
        return key


def _frame(rows: list[dict]) -> pd.DataFrame:
    seen = groups.seen_in(rows)  # "N articles (group G)" for claims stated in other articles too
    return pd.DataFrame(
        [
            {
                "select": False,
                "open": False,
                "id": r["id"],
                "state": _status_label(r["status"]),
                "status": r["status"],
                "verdict_note": r["verdict_note"],
                "speaker": r["corrected_speaker"] or r["speaker"],
                "content": r["content"],
                "kind": r["kind"],
                "seen_in": seen.get(r["id"], ""),
                "confidence": r["confidence"],
                "assignee": r["assignee"],
                "updated_by": r["updated_by"],
                "source": r["source"],
                "date": r["date"],
                "published": r["article_published"],
                "article": r["article_title"] or r["article_key"],
                "stale": bool(r["stale"]),
                "version": r["version"],
            }
            for r in rows
        ],
        columns=COLUMNS,
    )


def history_frame(hist: list, sts: Any) -> pd.DataFrame:
    """The history as an analyst reads it: local time to the second, field labels, statuses by
    label, evidence lists one link per line."""
    tz = local_zone()

    def value(field: str, text: str) -> str:
        if field == "status" and text in sts.keys:
            return sts.get(text).label
        if text.startswith("["):  # a list stored as JSON (evidence)
            try:
                return "\n".join(str(x) for x in json.loads(text)) or "—"
            except ValueError:
                return text
        return text

    rows = []
    for h in hist:
        try:
            at = datetime.fromisoformat(h.at)
            at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz)
            when = at.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
        except ValueError:
            when = h.at
        rows.append(
            {
                "when": when,
                "who": h.by,
                "what": _label(h.field),
                "before": value(h.field, h.old),
                "after": value(h.field, h.new),
                "version": h.version,
            }
        )
    return pd.DataFrame(rows)


def local_zone() -> tzinfo:
    """The analyst's time zone as the browser reports it (else the server's)."""
    try:
        name = st.context.timezone
        return ZoneInfo(name) if name else datetime.now().astimezone().tzinfo or UTC
    except Exception:  # no browser or an unknown zone name: the server's own
        return datetime.now().astimezone().tzinfo or UTC


def evidence_lines(text: str) -> tuple[list[str], list[str]]:
    """The evidence box's lines as (http(s) links, lines that are not one)."""
    lines = [x.strip() for x in text.replace(",", "\n").splitlines() if x.strip()]
    good = [x for x in lines if urlsplit(x).scheme in ("http", "https") and urlsplit(x).netloc]
    return good, [x for x in lines if x not in good]


def _save_detail(claim_id: int) -> None:
    """The detail form's Save (a callback): every field as in the form, against the version the
    analyst opened; the store writes only what they changed from it."""
    ss, who = st.session_state, state.editor()
    base = ss.get(f"detail_base_{claim_id}")
    if not who or base is None:
        return
    # a field the browser did not send is as the form showed it, unchanged: left out, it cannot
    # clear anything (the store writes only what differs from the base version anyway)
    fields = {"status": "status", "verdict_note": "note", "evidence": "evidence", "assignee": "assignee"}
    fields["corrected_speaker"] = "speaker"
    changes = {k: ss[f"detail_{w}_{claim_id}"] for k, w in fields.items() if f"detail_{w}_{claim_id}" in ss}
    ss.pop(f"detail_evidence_bad_{claim_id}", None)
    if "evidence" in changes:  # one bad line is refused alone; the good links are still saved
        good, bad = evidence_lines(str(changes["evidence"] or ""))
        changes["evidence"] = "\n".join(good)
        if bad:
            ss[f"detail_evidence_bad_{claim_id}"] = bad
    try:
        if _apply(claim_id, base, changes, who):
            _flash("success", f"Claim {claim_id} saved.")
    except SQLAlchemyError as e:  # a callback runs outside the page's own handler: said here
        _flash("error", f"Claim {claim_id} was not saved: the store cannot be reached ({md(type(e).__name__)}).")
        return
    ss.pop(f"detail_base_{claim_id}", None)
    ss["review_nonce"] = ss.get("review_nonce", 0) + 1


def detail(claim_id: int) -> None:
    """The claim in context: speaker with role and aliases, source, evidence, history; an edit form."""
    eng, sts = state.engine(), state.statuses()
    c = get_claim(eng, claim_id)
    if c is None:
        st.warning("That claim no longer exists.")
        return
    st.markdown(f"#### Claim {c['id']} {badge(c['status'], sts)}", unsafe_allow_html=True)
    if c["stale"]:
        st.caption("The latest extraction no longer finds this claim; it is kept with its review.")
    st.html(sentence_context(c["article_text"], c["content_start"], c["content_end"]))
    speaker = c["corrected_speaker"] or c["speaker"] or "(no speaker)"
    # md(): names, titles and URLs are Markdown-escaped (an image in a title would load from
    # anywhere, a link in a corrected speaker name would go anywhere); links only to http(s)
    st.markdown(
        f"**Speaker:** {md(speaker)} ({md(c['speaker_type'])})"
        + (f" · corrected from {md(c['speaker'])}" if c["corrected_speaker"] else "")
        + f"  \n**Role:** {md(c['speaker_role'] or '—')}  \n**Also called:** "
        + (md(", ".join(c["speaker_aliases"])) or "—")
        + f"  \n**Cue:** {md(c['cue'])} · **Kind:** {md(c['kind'])} · **Source:** {md(c['source'] or '—')} · "
        f"**Date:** {md(c['date'] or '—')}  \n**Article:** {md(c['article_title'] or c['article_key'])}"
        + (f" · {md_link(c['article_url'], c['article_url'])}" if c["article_url"] else "")
        + f"  \n**Confidence:** {c['confidence']:.2f}"
        + (f" · flags: {md(c['flags'])}" if c["flags"] else "")
    )
    if c["evidence_links"]:
        st.markdown("**Evidence:**  \n" + "  \n".join(f"- {md_link(u, u)}" for u in c["evidence_links"]))
    who = state.editor()
    # edits are based on the version first shown, not on whatever is stored when Save is pressed
    base = st.session_state.setdefault(f"detail_base_{claim_id}", c["version"])
    if base != c["version"]:
        st.info(f"This claim changed since you opened it (now version {c['version']}); saving will show what changed.")
    with st.form(f"detail_form_{claim_id}"):
        st.selectbox(
            "Verification status",
            sts.keys,
            index=sts.keys.index(c["status"]) if c["status"] in sts.keys else 0,
            format_func=lambda k: sts.get(k).label,
            key=f"detail_status_{claim_id}",
        )
        st.text_area("Verdict note", value=c["verdict_note"], key=f"detail_note_{claim_id}")
        st.text_area(
            "Evidence links (one per line)", value="\n".join(c["evidence_links"]), key=f"detail_evidence_{claim_id}"
        )
        c1, c2 = st.columns(2)
        c1.text_input("Assignee", value=c["assignee"], key=f"detail_assignee_{claim_id}")
        c2.text_input("Correct the speaker", value=c["corrected_speaker"], key=f"detail_speaker_{claim_id}")
        # saved in the button's callback, before the page is drawn: the run that follows shows
        # the saved claim, where saving inside the page and rerunning drew the page twice
        st.form_submit_button("Save claim", type="primary", disabled=not who, on_click=_save_detail, args=(claim_id,))
    if bad := st.session_state.get(f"detail_evidence_bad_{claim_id}"):  # next to the form, line by line
        st.error(
            "Not saved as evidence (each must be an http(s) link; the other links were saved):  \n"
            + "  \n".join(f"- {md(x)}" for x in bad)
        )
    groups.panel(c, who)
    hist = history_of(eng, claim_id)
    st.markdown("**History**")
    if hist:
        st.dataframe(history_frame(hist, sts), hide_index=True, width="stretch")
    else:
        st.caption("No changes yet.")


CLAIM_WIDTH = 560  # pixels: the claim's column, its text wrapped to this width
LINE = 20  # pixels per wrapped line of the table


def row_height(rows: list[dict]) -> int:
    """A row height for the table that shows the page's longest claim whole, wrapped (three to
    six lines; Streamlit wraps text only in rows taller than 4rem, and every row has one
    height). A claim longer still is read whole in the cell's overlay or the detail view."""
    longest = max((len(r["content"]) for r in rows), default=0)
    lines = min(6, max(3, math.ceil(longest / (CLAIM_WIDTH / 7))))
    return max(72, LINE * lines + 12)


def table_frame(rows: list[dict]) -> pd.DataFrame:
    """The table as shown: the stored rows with this analyst's unsaved edits (drafts) on top,
    from whatever filter or page they were made on."""
    frame = _frame(rows)
    pending = drafts()
    for i, cid in enumerate(frame["id"]):
        for k, v in pending.get(int(cid), {}).get("fields", {}).items():
            frame.at[i, k] = v
    return frame


def status_styled(frame: pd.DataFrame, sts: Any) -> Any:
    """The table with its Status column in each status's colour from the statuses file (a
    pandas Styler: Streamlit colours read-only columns only, hence a Status column as saved
    beside the editable "Set status")."""
    colors = {s.label: s.color for s in sts.items}
    return frame.style.map(
        lambda v: f"background-color: {colors[v]}; color: #fff" if v in colors else "", subset=["state"]
    )


def _editor_now() -> tuple[pd.DataFrame, dict[int, dict], pd.DataFrame] | None:
    """The table as the analyst has it now, from the editor's own state: a button's callback
    runs before the page (and st.data_editor) does, and an edit may come with the click."""
    ss = st.session_state
    key = ss.get("review_editor_key")
    rows = ss.get("review_snapshots", {}).get(key)
    if not key or rows is None:
        return None
    frame = table_frame(rows)
    edited = frame.copy()
    widget = ss.get(key) if key in ss else None
    for i, cells in ((widget or {}).get("edited_rows") or {}).items():
        for col, value in cells.items():
            if col in edited.columns and int(i) < len(edited):
                edited.at[int(i), col] = value
    return frame, {r["id"]: r for r in rows}, edited


def _save() -> None:
    """ "Save changes" (a callback): every pending table edit, on any page or filter."""
    who = state.editor()
    now = _editor_now()
    if now is not None:
        track_edits(*now)
    if not who:
        return
    try:
        saved, conflicts = save_drafts(who)
    except SQLAlchemyError as e:  # a callback runs outside the page's own handler: said here
        _flash("error", f"Not saved: the store cannot be reached ({md(type(e).__name__)}). The edits are kept.")
        return
    _flash("success" if not conflicts else "warning", f"Saved {saved} claims; {conflicts} conflicts to resolve.")
    _redraw()


def _discard() -> None:
    drafts().clear()
    _redraw()


MAX_BULK = 5000  # claims one bulk change may set at once ("all matching" beyond that: narrow the filters)
SCOPES = ("ticked", "page", "all")


def _bulk_form(who: str, edited: pd.DataFrame, rows: list[dict], total: int) -> None:
    """Bulk status change: the ticked rows, every claim on this page, or every claim matching
    the filters (on every page), then a confirmation that names how many claims will change."""
    sts, ss = state.statuses(), st.session_state
    ask = ss.get("review_bulk_ask")
    n_ticked = int(edited["select"].sum()) if len(edited) else 0
    counts = {"ticked": n_ticked, "page": len(rows), "all": total}
    labels = {
        "ticked": f"the ticked rows ({n_ticked})",
        "page": f"every claim on this page ({len(rows)})",
        "all": f"all {total} claims matching the filters, on every page",
    }
    st.markdown("**Set the status of several claims**")
    c1, c2, c3 = st.columns([3, 1, 1])
    scope = c1.radio("Which claims", SCOPES, format_func=labels.get, key="review_bulk_scope", horizontal=True)
    c2.selectbox("New status", sts.keys, format_func=lambda k: sts.get(k).label, key="review_bulk_status")
    n = counts[scope]
    too_many = n > MAX_BULK
    c3.button(
        f"Set status of {n} claims…",
        key="review_bulk",
        disabled=not who or n == 0 or too_many or bool(ask),
        on_click=_bulk_ask,
        args=(scope,),
    )
    if too_many:
        st.caption(f"At most {MAX_BULK} claims change at once: narrow the filters.")
    if ask:  # the confirmation, naming the count and the status
        box = st.container(border=True)
        box.warning(
            f"Set the status of **{len(ask['items'])} claims** ({md(ask['what'])}) to "
            f"**{md(sts.get(ask['status']).label)}**? Each change is signed by you and written to the claim's "
            "history; a claim someone else changed meanwhile comes back as a conflict, not overwritten."
        )
        c1, c2, _ = box.columns([1, 1, 3])
        c1.button(
            f"Set {len(ask['items'])} claims to {sts.get(ask['status']).label}",
            type="primary",
            key="review_bulk_confirm",
            disabled=not who,
            on_click=_bulk_apply,
        )
        c2.button("Cancel", key="review_bulk_cancel", on_click=lambda: ss.pop("review_bulk_ask", None))


def _bulk_ask(scope: str) -> None:
    """ "Set status of N claims…" (a callback): fix the claims and the versions they are based on
    (as shown; for the whole filtered set, as stored now) and ask for confirmation."""
    ss = st.session_state
    now = _editor_now()
    if now is None:
        return
    _, original, edited = now
    if scope == "ticked":
        ids = [int(i) for i in edited.loc[edited["select"].astype(bool), "id"]]
        items, what = [(i, int(original[i]["version"])) for i in ids], "the ticked rows"
    elif scope == "page":
        items, what = [(i, int(r["version"])) for i, r in original.items()], "every claim on this page"
    else:
        items = claim_versions(state.engine(), ss.get("review_filter"), limit=MAX_BULK + 1)
        what = "every claim matching the filters"
        if len(items) > MAX_BULK:
            _flash("error", f"More than {MAX_BULK} claims match: narrow the filters for a bulk change.")
            return
    if items:
        ss["review_bulk_ask"] = {"items": items, "status": ss.get("review_bulk_status"), "what": what}


def _bulk_apply() -> None:
    """The confirmed bulk change (a callback): through the store, which checks the analyst's
    role and writes each claim's history; conflicts are kept to resolve."""
    ss, sts, who = st.session_state, state.statuses(), state.editor()
    ask = ss.pop("review_bulk_ask", None)
    if not ask or not who:
        return
    try:
        done, conflicts = bulk_status(state.engine(), ask["items"], ask["status"], analyst=who, statuses=sts)
    except (PermissionDenied, EditError, StatusError) as e:
        _flash("error", f"No status changed: {md(e)}")
        return
    except SQLAlchemyError as e:
        _flash("error", f"No status changed: the store cannot be reached ({md(type(e).__name__)}).")
        return
    for c in conflicts:
        _keep_conflict(c, {"status": ask["status"]})
    label = sts.get(ask["status"]).label
    _flash(
        "success" if not conflicts else "warning",
        f"Set {len(done)} of {len(ask['items'])} claims to {md(label)}"
        + (f"; {len(conflicts)} conflicts to resolve above." if conflicts else "."),
    )
    _redraw()


def render() -> None:
    st.title("Review claims")
    eng, sts = state.engine(), state.statuses()
    who = state.editor()
    _show_flash()
    _conflicts(who)
    ss = st.session_state
    f = claim_filter("review", linkable=True)
    total = count_claims(eng, f)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    _link_in(pages)
    c1, c2, c3 = st.columns([1, 1, 2])
    restore("review_page", lambda v: isinstance(v, int) and 1 <= v <= pages)
    page = int(c1.number_input("Page", min_value=1, max_value=pages, step=1, key="review_page"))
    remember("review_page", page)
    restore("review_sort", lambda v: v in SORT_LABELS)
    sort = c2.selectbox("Sort by", list(SORT_LABELS), format_func=SORT_LABELS.get, key="review_sort")
    remember("review_sort", sort)
    c3.caption(f"{total} claims · page {page} of {pages} · {PAGE_SIZE} per page")
    if not total:
        st.info("No claim matches these filters." if any(query_of("review").values()) else "No claims yet.")
    nonce = ss.setdefault("review_nonce", 0)
    editor_key = f"review_editor_{nonce}_{page}_{sort}_{abs(hash(repr(f))) % 10**8}"
    st.session_state["review_editor_key"] = editor_key
    ss["review_filter"] = f  # what "all matching the filters" means to a bulk change
    ss["review_total"] = total
    # The rows (and versions) the analyst sees stay fixed while they edit: their edits are saved
    # against those versions, so a change someone made meanwhile comes back as a conflict.
    snapshots = st.session_state.setdefault("review_snapshots", {})
    if editor_key not in snapshots:
        snapshots.clear()
        snapshots[editor_key] = list_claims(eng, f, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, sort=sort)
    rows = snapshots[editor_key]
    original = {r["id"]: r for r in rows}
    frame = table_frame(rows)
    height = row_height(rows)
    edited = st.data_editor(
        status_styled(frame, sts),
        key=editor_key,
        hide_index=True,
        width="stretch",
        row_height=height,  # taller than 4rem: the claim's text wraps in its cell
        height=min(720, 48 + height * max(1, len(rows))),
        disabled=[c for c in frame.columns if c not in ("select", "open", *EDITABLE)],
        column_config={
            "select": st.column_config.CheckboxColumn("✓", width="small", help="Tick for a bulk status change"),
            "open": st.column_config.CheckboxColumn("Open", width="small", help="Open the claim below"),
            "id": st.column_config.NumberColumn("id", width="small"),
            "state": st.column_config.TextColumn("Status", help="As saved, in the status's colour"),
            "status": st.column_config.SelectboxColumn(
                "Set status", options=sts.keys, required=True, format_func=lambda k: sts.get(k).label
            ),
            "verdict_note": st.column_config.TextColumn("Verdict note"),
            "content": st.column_config.TextColumn("Claim", width=CLAIM_WIDTH),
            "seen_in": st.column_config.TextColumn("Seen in", help="Articles stating the same claim, and its group"),
            "confidence": st.column_config.NumberColumn("Confidence", format="%.2f", width="small"),
            "assignee": st.column_config.TextColumn("Assignee"),
            "updated_by": st.column_config.TextColumn("Last edited by"),
            "version": None,
        },
    )
    track_edits(frame, original, edited)
    pending = drafts()
    ticked = {int(r["id"]) for _, r in edited[edited["open"]].iterrows()} if len(edited) else set()
    for cid in ticked - ss.get("review_ticked", set()):  # a row just ticked "Open": open that claim
        ss["review_open"] = cid
    ss["review_ticked"] = ticked
    if pending:
        elsewhere = sum(1 for cid in pending if cid not in original)
        st.warning(
            f"{len(pending)} unsaved table edits"
            + (f" ({elsewhere} on other pages or filters)" if elsewhere else "")
            + ": they are kept until you save or discard them."
        )
    # every button below acts in its callback, before the page is drawn: one click, one run
    b1, b2, _ = st.columns([1, 1, 3])
    b1.button("Save changes", type="primary", disabled=not who, key="review_save", on_click=_save)
    b2.button("Discard unsaved edits", disabled=not pending, key="review_discard", on_click=_discard)
    _bulk_form(who, edited, rows, total)
    if not who:
        st.info("Enter your name in the sidebar to edit.")
    st.divider()
    labels = {r["id"]: f"{r['id']}: {_speaker(r)} — {clip(r['content'], 80)}" for r in rows}
    opened = ss.get("review_open")
    if opened is not None and opened not in labels:  # a deep link or a claim of another page
        c = get_claim(eng, opened)
        if c is None:
            ss["review_open"] = opened = None
        else:
            labels = {opened: f"{opened}: {_speaker(c)} — {clip(c['content'], 80)}", **labels}
    choice = st.selectbox(
        "Open a claim", [None, *labels], format_func=lambda i: "—" if i is None else labels[i], key="review_open"
    )
    _link_out(page, sort, choice)
    if choice is not None:
        order = [r["id"] for r in rows]
        if choice in order:  # previous and next along the table as sorted
            i = order.index(choice)
            p1, p2, _ = st.columns([1, 1, 4])
            p1.button("← Previous", key="review_prev", disabled=i == 0, on_click=_open, args=(order[i - 1],))
            p2.button(
                "Next →",
                key="review_next",
                disabled=i + 1 >= len(order),
                on_click=_open,
                args=(order[min(i + 1, len(order) - 1)],),
            )
        detail(choice)


def _link_in(pages: int) -> None:
    """Open what the page's link names (?claim=12, ?page=3, ?sort=…) when the link changed."""
    qp, ss = st.query_params, st.session_state
    seen = (qp.get("claim"), qp.get("page"), qp.get("sort"))
    if ss.get("review_link_seen") == seen:
        return
    ss["review_link_seen"] = seen
    claim, page, sort = seen
    if claim and claim.isdigit():
        ss["review_open"] = int(claim)
    if page and page.isdigit() and 1 <= int(page) <= pages:
        ss["review_page"] = int(page)
    if sort in SORT_LABELS:
        ss["review_sort"] = sort


def _link_out(page: int, sort: str, claim: int | None) -> None:
    """The page's address says what it shows (filters, page, sort, open claim), so it can be
    shared, bookmarked and reloaded."""
    wanted = query_of("review")
    if page > 1:
        wanted["page"] = str(page)
    if sort != "newest":
        wanted["sort"] = sort
    if claim is not None:
        wanted["claim"] = str(claim)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state["review_link_seen"] = (wanted.get("claim"), wanted.get("page"), wanted.get("sort"))
    st.session_state["review_query_seen"] = repr(sorted(wanted.items()))
