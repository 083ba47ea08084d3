"""Text search finds words however the article spelled them (zero-width joiners, nukta,
chandrabindu), and treats % and _ as themselves; on SQLite and PostgreSQL, and on a store
upgraded from before the search column existed."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine

from claims.store import ClaimFilter, ingest_text, list_claims, open_store
from claims.store.db import _alembic_config, upgrade

ZWJ = "\u200d"
ARTICLE = (
    f"डॉक्{ZWJ}टर रमेश गुप्ता ने कहा है कि ज़्यादातर मरीज़ हाँ कहकर ठीक हो रहे हैं।\n"
    "मंत्री सतीश कुमार ने कहा कि 10% लोग अब भी घर पर हैं।\n"
    "अधिकारी अनिल मेहता ने कहा कि 100 लोग अस्पताल में भर्ती हैं।"
)


def found(engine, words: str) -> list[str]:
    return [r["content"] for r in list_claims(engine, ClaimFilter(text=words), limit=100)]


def test_search_finds_every_spelling(engine):
    ingest_text(engine, ARTICLE, article_key="a1")
    assert len(found(engine, "मरीज")) == 1  # stored "मरीज़" with a nukta
    assert len(found(engine, "ज्यादातर हां")) == 1  # nukta and chandrabindu folded
    assert len(found(engine, f"डॉक्{ZWJ}टर")) == 0  # the speaker is not in the content
    assert found(engine, "10%") == ["10% लोग अब भी घर पर हैं"]
    assert found(engine, "%") == found(engine, "10%")
    assert found(engine, "_") == []


def test_upgrade_fills_the_search_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    eng = open_store(url)
    ingest_text(eng, ARTICLE, article_key="a1")
    eng.dispose()
    old = create_engine(url)  # as a store written before revision 0004 holds it
    with old.begin() as conn:
        command.downgrade(_alembic_config(conn), "0003")
    upgrade(old)
    old.dispose()
    eng = open_store(url)
    assert len(found(eng, "मरीज")) == 1
    eng.dispose()
