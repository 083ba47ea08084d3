"""Store fixtures: each test gets a fresh store on SQLite and, when configured, on PostgreSQL.

PostgreSQL comes from ``CLAIMS_TEST_PG_URL`` (``.ci/run`` sets it and fails if the server does
not answer). Each test gets its own database, dropped afterwards. Without the variable the
PostgreSQL cases skip with a message, unless ``CLAIMS_REQUIRE_PG=1``.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from claims.store import open_store

LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/test"


def _find_pg() -> str:
    """The PostgreSQL to test on: CLAIMS_TEST_PG_URL, else a local server if one answers."""
    url = os.environ.get("CLAIMS_TEST_PG_URL", "")
    if url:
        return url
    try:
        import psycopg

        psycopg.connect(LOCAL_PG, connect_timeout=2).close()
        return LOCAL_PG
    except Exception:
        return ""


PG_URL = _find_pg()


def _pg_database():
    if not PG_URL:
        if os.environ.get("CLAIMS_REQUIRE_PG") == "1":
            pytest.fail("CLAIMS_REQUIRE_PG=1 but CLAIMS_TEST_PG_URL is not set")
        pytest.skip(f"no PostgreSQL answers at {LOCAL_PG} and CLAIMS_TEST_PG_URL is not set")
    base = make_url(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1) if PG_URL.startswith("postgresql://") else PG_URL
    )
    name = f"claims_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    return admin, base.set(database=name), name


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    admin, url, name = _pg_database()
    yield url.render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_engine(pg_url):
    eng = open_store(pg_url)
    yield eng
    eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'claims.db'}"
        return
    yield request.getfixturevalue("pg_url")


@pytest.fixture
def engine(store_url):
    eng = open_store(store_url)
    yield eng
    eng.dispose()


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A fresh SQLite store that the desk opens too (``CLAIMS_DB_URL`` points at it)."""
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("CLAIMS_DB_URL", url)
    eng = open_store(url)
    yield eng
    eng.dispose()
