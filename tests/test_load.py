"""A short load run: 20 simulated analysts, each its own session of one running desk
(`streamlit run app.py`), reading and saving on one store; nothing lost."""

from __future__ import annotations

import pytest

from bench.load import run


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_twenty_analysts_on_one_server(backend, tmp_path, request):
    db = f"sqlite:///{tmp_path / 'load.db'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    s = run(db, analysts=20, seconds=4, think=0.3)
    assert s["errors"] == 0, s["messages"][:3]
    assert s["requests"] >= 2 * 20  # every analyst opened a claim and saved at least once
    assert s["saved"] > 0
    assert s["saved"] + s["conflicts"] >= 20  # every save was answered: saved, or a conflict shown
    assert s["recorded_saves"] == s["saved"]  # every confirmed save is in the history, and no other
    assert s["lost"] == 0


async def _open(base: str, name: str, claim_id: int):
    from bench.stclient import Session

    s = await Session.open(base)
    await s.run()
    s.set("analyst_input", string_value=name)
    await s.run()
    s.set("review_open", string_value=s.option("review_open", f"{claim_id}: "))
    await s.run()
    return s


async def _two_analysts(base: str, claim_id: int) -> tuple[list, list]:
    """Two analysts open one claim at the same version; asha changes the note, ravi the status
    (different fields), then both change the assignee (the same field)."""
    asha, ravi = await _open(base, "asha", claim_id), await _open(base, "ravi", claim_id)
    try:
        asha.set(f"detail_note_{claim_id}", string_value="checked by phone")
        first = await asha.run(click="Save claim")
        ravi.set(f"detail_status_{claim_id}", string_value="False")
        second = await ravi.run(click="Save claim")
        asha.set(f"detail_assignee_{claim_id}", string_value="asha")
        third = await asha.run(click="Save claim")
        ravi.set(f"detail_assignee_{claim_id}", string_value="ravi")
        fourth = await ravi.run(click="Save claim")
        return [first, second, third], [fourth]
    finally:
        await asha.close()
        await ravi.close()


def test_two_analysts_on_one_claim_different_fields_merge_same_field_conflicts(tmp_path):
    import asyncio

    from bench.appserver import running_app
    from claims.store import get_claim, ingest_text, list_claims, open_store

    db = f"sqlite:///{tmp_path / 'two.db'}"
    eng = open_store(db)
    ingest_text(eng, "Mayor Ana Ruiz said taxes would not rise.", article_key="en")
    cid = list_claims(eng)[0]["id"]
    with running_app(db, tmp_path) as base:
        saved, clashed = asyncio.run(_two_analysts(base, cid))
    assert all(p.has_text(f"Claim {cid} saved.") for p in saved), [p.texts for p in saved]
    assert clashed[0].has_text(f"Conflict on claim {cid}:")
    c = get_claim(eng, cid)
    assert (c["verdict_note"], c["status"], c["assignee"]) == ("checked by phone", "false", "asha")
    eng.dispose()
