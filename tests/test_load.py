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
