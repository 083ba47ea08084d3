"""Shared fixtures: paths to ../shared (skipped when absent) and to the project's own fixtures."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def shared() -> Path:
    """../shared beside the checkout; tests using it skip cleanly on a user's machine."""
    if not (SHARED / "seed").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def zipped_package(tmp_path) -> Path:
    """The package zipped as Spark's ``--py-files`` ships it (a wheel is such a zip): claims/ without
    caches, compiled files included (a zip cannot load them: the pure-Python code runs)."""
    shipped = tmp_path / "claims.zip"
    with zipfile.ZipFile(shipped, "w") as z:
        for f in sorted((ROOT / "claims").rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                z.write(f, f.relative_to(ROOT))
    return shipped


pytest_plugins = ["tests.store_fixtures"]
