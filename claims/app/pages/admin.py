"""Admin (admins only): accounts and the status list in use."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claims.app import state
from claims.app.render import md
from claims.store import counts_by
from claims.store.accounts import (
    ROLES,
    AccountError,
    PermissionDenied,
    account,
    account_history,
    add_user,
    list_users,
    remove_user,
    set_password,
    set_role,
    unlock_user,
)


def render() -> None:
    st.title("Admin")
    eng = state.engine()
    me = account(eng, state.analyst())
    if me is None or not me.is_admin:  # checked here too: the page is only listed for admins
        st.error("Admins only.")
        return
    for kind, msg in st.session_state.pop("admin_flash", []):
        getattr(st, kind)(msg)

    def flash(kind: str, msg: str) -> None:
        st.session_state.setdefault("admin_flash", []).append((kind, msg))

    st.subheader("Accounts")
    people = list_users(eng)
    st.dataframe(pd.DataFrame(people), hide_index=True, width="stretch")
    with st.form("add_user", clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Username")
        password = c2.text_input("Password", type="password")
        role = c3.selectbox("Role", ROLES, index=1)
        if st.form_submit_button("Add account"):
            try:
                add_user(eng, name, password, role, by=me.username)
                flash("success", f"Added {md(name)} ({role}).")
            except (AccountError, PermissionDenied) as e:
                flash("error", md(e))
            st.rerun()
    names = [p["username"] for p in people]
    c1, c2, c3, c4, c5 = st.columns([2, 1, 1, 1, 1])
    who = c1.selectbox("Account", names, key="admin_user")
    new_role = c2.selectbox("New role", ROLES, key="admin_role")
    if c5.button("Unlock", key="admin_unlock", help="Lift a lock after failed sign-ins; the password stays"):
        try:
            was = unlock_user(eng, who, by=me.username)
            flash("success", f"{md(who)} is unlocked." if was else f"{md(who)} was not locked; nothing to lift.")
        except (AccountError, PermissionDenied) as e:
            flash("error", md(e))
        st.rerun()
    if c3.button("Change role", key="admin_set_role"):
        try:
            set_role(eng, who, new_role, by=me.username)
            flash("success", f"{md(who)} is now {new_role}.")
        except (AccountError, PermissionDenied) as e:
            flash("error", md(e))
        st.rerun()
    if c4.button("Remove", key="admin_remove", disabled=who == me.username):
        try:
            remove_user(eng, who, by=me.username)
            flash("success", f"Removed {md(who)}.")
        except (AccountError, PermissionDenied) as e:
            flash("error", md(e))
        st.rerun()

    # a forgotten password or a locked account: a new password, which also lifts the lock
    # (failed sign-ins and lock-outs start again from zero)
    with st.form("admin_reset", clear_on_submit=True):
        c1, c2 = st.columns([2, 1])
        new_password = c1.text_input(f"New password for {who}", type="password", key="admin_new_password")
        if c2.form_submit_button("Reset password and unlock"):
            try:
                set_password(eng, who, new_password, by=me.username)
                flash("success", f"New password set for {md(who)}; the account is unlocked.")
            except (AccountError, PermissionDenied) as e:
                flash("error", md(e))
            st.rerun()

    st.markdown("**Account changes** (newest first)")
    log = account_history(eng, limit=50)
    if log:
        st.dataframe(pd.DataFrame(log), hide_index=True, width="stretch")
    else:
        st.caption("None yet.")

    st.subheader("Statuses")
    sts = state.statuses()
    used = dict(counts_by(eng, "status"))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "key": s.key,
                    "label": s.label,
                    "colour": s.color,
                    "final": s.final,
                    "ClaimReview": s.alternate_name if s.final else "",
                    "claims": used.get(s.key, 0),
                }
                for s in sts.items
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Statuses come from the file in CLAIMS_STATUSES (or the built-in list). A status still used by a "
        "claim cannot be dropped from it: the store refuses to start with such a file."
    )
