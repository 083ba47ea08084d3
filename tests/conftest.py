"""Shared fixtures: paths to ../shared (skipped when absent) and to the project's own fixtures."""

from __future__ import annotations

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


pytest_plugins = ["tests.store_fixtures"]
