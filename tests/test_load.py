"""A short load run: 20 simulated analysts on one store, reading and saving; nothing lost."""

from __future__ import annotations

import pytest

from bench.load import run


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_twenty_analysts(backend, tmp_path, request):
    db = f"sqlite:///{tmp_path / 'load.db'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    s = run(db, analysts=20, seconds=4)
    assert s["errors"] == 0, s["messages"][:3]
    assert s["requests"] >= 2 * 20  # every analyst read and saved at least once
    assert s["saved"] > 0
    assert s["recorded_saves"] == s["saved"]  # every accepted save is in the history
    assert s["lost"] == 0
