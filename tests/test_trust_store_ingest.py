"""PostgreSQL behaves as SQLite does on ingest (issue 9, item 16, and the NUL filter from "Low"):
racing ingests of the same texts or the same names, long ids and outlets, NUL characters."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from sqlalchemy import select

from claims.store import ClaimFilter, count_claims, ingest_text, list_claims
from claims.store.query import list_articles
from claims.store.schema import articles
from claims.store.speakers import list_persons
from claims.store.workflow import EditError, claim_id_for_key, update_claim

THREADS = 8


def _race(fn, n: int = THREADS) -> tuple[list, list]:
    """``fn(i)`` in ``n`` threads released at once: (results, exceptions)."""
    start, results, errors = threading.Barrier(n), [], []

    def run(i: int) -> None:
        start.wait()
        try:
            results.append(fn(i))
        except Exception as e:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _keys(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(articles.c.article_key)).scalars())


def test_the_same_text_ingested_at_once_is_one_article(engine):
    text = "Mayor Ana Ruiz said taxes would not rise."
    results, errors = _race(lambda i: ingest_text(engine, text, article_key=f"copy-{i}"))
    assert not errors, errors  # PostgreSQL: UniqueViolation
    assert sorted(r.outcome for r in results) == ["duplicate"] * (THREADS - 1) + ["new"]
    assert len(_keys(engine)) == 1


def test_different_texts_under_one_name_at_once_are_all_kept(engine):
    results, errors = _race(lambda i: ingest_text(engine, f"Mayor Ana Ruiz said bridge {i} was safe.", article_key="x"))
    assert not errors, errors  # PostgreSQL: lost articles
    keys = _keys(engine)
    assert len(keys) == THREADS and "x" in keys and all(k == "x" or k.startswith("x-") for k in keys)


def test_one_folder_ingested_by_two_processes(store_url, engine, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(12):
        (folder / f"{i}.txt").write_text(f"Senator Ben Okafor said road {i} was closed.", encoding="utf-8")
        (folder / f"same-{i}.txt").write_text(f"Ana Ruiz said tunnel {i} would open.", encoding="utf-8")
    sub = tmp_path / "other"  # same file names, other texts
    sub.mkdir()
    for i in range(12):
        (sub / f"{i}.txt").write_text(f"Carla Mendes said school {i} would close.", encoding="utf-8")
    cmd = [sys.executable, "-m", "claims.cli", "ingest", "--no-progress", "--db", store_url, "--analyst", "ops"]
    procs = [
        subprocess.Popen([*cmd, str(folder), str(sub)], stderr=subprocess.PIPE, text=True),
        subprocess.Popen([*cmd, str(sub), str(folder)], stderr=subprocess.PIPE, text=True),
    ]
    outs = [(p.wait(120), p.stderr.read()) for p in procs]
    for code, err in outs:
        assert code == 0 and " 0 failed" in err, err
    assert len(_keys(engine)) == 36


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("article_key", "k" * 201, "article id is 201 characters long; at most 200"),
        ("outlet", "o" * 300, "outlet is 300 characters long; at most 200"),
        ("published", "2024-01-01 " * 5, "published date is 55 characters long; at most 40"),
    ],
)
def test_fields_too_long_are_refused_with_a_plain_message(engine, field, value, message):
    with pytest.raises(ValueError, match=message) as e:
        ingest_text(engine, "Mayor Ana Ruiz said taxes would not rise.", **{field: value})
    assert "SQL" not in str(e.value) and "INSERT" not in str(e.value)
    assert _keys(engine) == []


def test_a_long_name_taken_twice_still_fits(engine):
    ingest_text(engine, "Mayor Ana Ruiz said taxes would not rise.", article_key="k" * 200)
    second = ingest_text(engine, "Mayor Ana Ruiz said taxes would rise.", article_key="k" * 200)
    assert second.outcome == "new" and len(second.article_key) == 200


def test_cli_says_which_article_is_too_long(store_url, engine, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text(f"id,text,outlet\nok,Mayor Ana Ruiz said taxes would not rise.,x\n{'k' * 250},Ruiz said no.,y\n")
    r = subprocess.run(
        [sys.executable, "-m", "claims.cli", "ingest", str(f), "--no-progress", "--db", store_url],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and "article id is 250 characters long" in r.stderr
    assert "Traceback" not in r.stderr and "[SQL" not in r.stderr
    assert _keys(engine) == ["ok"]


def test_nul_characters_are_removed_on_both_backends(engine):
    r = ingest_text(
        engine, "Mayor Ana\x00 Ruiz said taxes\x00 would not rise.", title="T\x00itle", outlet="Gaz\x00ette"
    )
    assert r.outcome == "new" and r.claims_new == 1
    row = list_claims(engine)[0]
    assert "\x00" not in row["content"] and (row["article_title"], row["article_outlet"]) == ("Title", "Gazette")
    # the same text with NULs again is the same article
    assert ingest_text(engine, "Mayor Ana Ruiz said taxes would not rise.").outcome == "duplicate"


def test_nul_in_filters_and_edits_is_no_traceback(engine):
    ingest_text(engine, "Mayor Ana Ruiz said taxes would not rise.", outlet="Gazette")
    for f in (
        ClaimFilter(text="tax\x00es"),
        ClaimFilter(speaker="Ru\x00iz"),
        ClaimFilter(outlet="Gaz\x00ette"),
        ClaimFilter(statuses=["unverified\x00"]),
        ClaimFilter(published_from="\x00"),
    ):
        count_claims(engine, f)
        list_claims(engine, f)
    assert count_claims(engine, ClaimFilter(text="tax\x00es")) == 1
    list_articles(engine, search="a\x00")
    list_persons(engine, search="R\x00")
    with pytest.raises(EditError):
        claim_id_for_key(engine, "no\x00such")
    cid = list_claims(engine)[0]["id"]
    update_claim(engine, cid, base_version=1, analyst="asha", verdict_note="n\x00ote")
    assert list_claims(engine)[0]["verdict_note"] == "note"


def test_a_thousand_word_search_answers(engine):
    ingest_text(engine, "Mayor Ana Ruiz said taxes would not rise.")
    assert count_claims(engine, ClaimFilter(text=" ".join(f"w{i}" for i in range(1000)))) == 0
