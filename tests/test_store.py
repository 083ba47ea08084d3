"""The review store on SQLite and on a real PostgreSQL: ingest, dedupe, workflow, history,
conflicts, re-extraction keeping analyst work, exports."""

from __future__ import annotations

import io
import json
import threading

import pandas as pd
import pytest
from sqlalchemy import select, update

from claims.store import (
    ClaimFilter,
    Conflict,
    EditError,
    StatusError,
    count_claims,
    counts_by,
    get_claim,
    history_of,
    ingest_text,
    list_claims,
    load_statuses,
    reextract,
    set_status,
    update_claim,
)
from claims.store.db import current_revision, head_revision
from claims.store.export import EXPORT_COLUMNS, write_claimreview, write_rows
from claims.store.query import iter_claims
from claims.store.schema import articles, claims, persons
from claims.store.statuses import check_in_use

HI = "राष्ट्रपति कसीम-जोमार्ट टोकायव ने कहा कि स्थिति नियंत्रण में है। प्रवक्ता बेरिक उली ने कहा कि सेना एक सप्ताह में लौटेगी।"
HI_LATER = "बाद में Tokayev ने कहा कि विदेशी आतंकवादी शामिल थे।"
EN = (
    "Mayor Ana Ruiz said taxes would not rise. “We balanced the books,” Ruiz said. "
    "Officials said @SUM(A1) was the deficit."
)


def ids(engine, **kw):
    return [r["id"] for r in list_claims(engine, ClaimFilter(**kw), limit=1000)]


def test_new_store_is_migrated(engine):
    assert current_revision(engine) == head_revision() == "0013"


def test_ingest_and_dedupe(engine):
    r = ingest_text(engine, HI, article_key="kz", title="Kazakhstan", outlet="TASS")
    assert r.outcome == "new" and r.claims_new == 2
    again = ingest_text(engine, HI, article_key="other-name")
    assert again.outcome == "duplicate" and again.article_key == "kz"
    clash = ingest_text(engine, EN, article_key="kz")  # same id, different text: both kept
    assert clash.outcome == "new" and clash.article_key.startswith("kz-")
    assert count_claims(engine) == 2 + clash.claims_new
    row = list_claims(engine, ClaimFilter(outlet="TASS"))[0]
    assert row["article_title"] == "Kazakhstan" and row["status"] == "unverified" and row["version"] == 1


def test_empty_article_refused(engine):
    with pytest.raises(ValueError):
        ingest_text(engine, "  \n ")


def test_speaker_linked_across_articles_and_scripts(engine):
    ingest_text(engine, HI, article_key="a1")
    ingest_text(engine, HI_LATER, article_key="a2")
    toka = list_claims(engine, ClaimFilter(speaker="Tokayev"))
    assert {r["article_key"] for r in toka} == {"a1", "a2"}
    assert len({r["person_id"] for r in toka}) == 1
    assert len(list_claims(engine, ClaimFilter(speaker="टोकायव"))) == 2
    assert list_claims(engine, ClaimFilter(speaker="Tokarev")) == []


def test_status_changes_and_history(engine):
    ingest_text(engine, HI, article_key="kz")
    cid = ids(engine)[-1]
    v2 = set_status(engine, cid, "in_progress", analyst="asha")
    v3 = update_claim(
        engine,
        cid,
        base_version=v2,
        analyst="ravi",
        status="false",
        verdict_note="Wrong dates",
        evidence=["https://example.org/a", "https://example.org/b"],
    )
    assert (v2, v3) == (2, 3)
    c = get_claim(engine, cid)
    assert (c["status"], c["verdict_note"], c["updated_by"], c["version"]) == ("false", "Wrong dates", "ravi", 3)
    assert c["evidence_links"] == ["https://example.org/a", "https://example.org/b"]
    h = history_of(engine, cid)
    assert [(x.by, x.field, x.old, x.new) for x in h] == [
        ("asha", "status", "unverified", "in_progress"),
        ("ravi", "status", "in_progress", "false"),
        ("ravi", "verdict_note", "", "Wrong dates"),
        ("ravi", "evidence", "[]", '["https://example.org/a", "https://example.org/b"]'),
    ]
    assert update_claim(engine, cid, base_version=3, analyst="ravi", status="false") == 3  # no-op


def test_stale_update_is_a_conflict_naming_who_changed_what(engine):
    ingest_text(engine, HI, article_key="kz")
    cid = ids(engine)[0]
    update_claim(engine, cid, base_version=1, analyst="asha", status="true", verdict_note="checked")
    with pytest.raises(Conflict) as err:
        update_claim(engine, cid, base_version=1, analyst="ravi", status="false")
    c = err.value
    assert (c.base_version, c.current_version) == (1, 2)
    assert {(x.by, x.field, x.new) for x in c.changes} == {
        ("asha", "status", "true"),
        ("asha", "verdict_note", "checked"),
    }
    assert "asha set status to 'true'" in str(c)
    assert get_claim(engine, cid)["status"] == "true"  # nothing of ravi's was written


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"status": "bogus"}, StatusError),
        ({"evidence": ["javascript:alert(1)"]}, EditError),
        ({"content": "rewritten"}, EditError),
        ({"corrected_start": 5, "corrected_end": 2}, EditError),
    ],
)
def test_bad_edits_are_refused(engine, changes, error):
    ingest_text(engine, HI, article_key="kz")
    cid = ids(engine)[0]
    with pytest.raises(error):
        update_claim(engine, cid, base_version=1, analyst="asha", **changes)
    with pytest.raises(EditError):
        update_claim(engine, cid, base_version=1, analyst="  ", status="true")
    assert get_claim(engine, cid)["version"] == 1 and history_of(engine, cid) == []


def test_reextraction_keeps_analyst_work_and_marks_vanished_claims(engine):
    ingest_text(engine, HI, article_key="kz")
    first, second = sorted(ids(engine))
    update_claim(
        engine,
        first,
        base_version=1,
        analyst="asha",
        status="false",
        verdict_note="no",
        corrected_speaker="Kassym-Jomart Tokayev",
    )
    # simulate an older extractor: shift the stored offsets, invent a claim the new one won't find
    with engine.begin() as conn:
        conn.execute(
            update(claims)
            .where(claims.c.id == first)
            .values(content_start=claims.c.content_start + 1, claim_key="old-key")
        )
        conn.execute(
            update(claims)
            .where(claims.c.id == second)
            .values(content="something else", content_start=0, content_end=3, claim_key="gone")
        )
        art = conn.execute(select(articles.c.id)).scalar()
    r = reextract(engine, art)
    assert (r.claims_kept, r.claims_new, r.claims_stale) == (1, 1, 1)
    kept = get_claim(engine, first)
    assert (kept["status"], kept["verdict_note"], kept["corrected_speaker"]) == ("false", "no", "Kassym-Jomart Tokayev")
    assert kept["claim_key"] == "old-key"  # ids analysts may have shared stay the same
    assert get_claim(engine, second)["stale"] is True
    assert [h.field for h in history_of(engine, second)] == ["stale"]
    assert len(ids(engine, include_stale=False)) == 2
    again = reextract(engine, art)  # idempotent
    assert (again.claims_kept, again.claims_new, again.claims_stale) == (2, 0, 0)


def test_filters_and_counts(engine):
    ingest_text(engine, HI, article_key="kz", outlet="TASS", published="2022-01-09")
    ingest_text(engine, EN, article_key="city", outlet="Gazette", published="2024-05-01")
    assert count_claims(engine, ClaimFilter(lang="en")) == len(ids(engine, lang="en")) >= 2
    assert len(ids(engine, text="taxes")) == 1
    assert len(ids(engine, published_from="2023-01-01")) == len(ids(engine, outlet="Gazette"))
    set_status(engine, ids(engine, lang="hi")[0], "true", analyst="asha")
    assert dict(counts_by(engine, "status"))["true"] == 1
    assert dict(counts_by(engine, "outlet"))["TASS"] == 2
    page1 = list_claims(engine, limit=2, offset=0)
    page2 = list_claims(engine, limit=2, offset=2)
    assert not {r["id"] for r in page1} & {r["id"] for r in page2}


def test_csv_export_round_trips_through_pandas_and_is_spreadsheet_safe(engine, tmp_path):
    ingest_text(engine, EN, article_key="city", title='=HYPERLINK("x")', url="https://example.org/city")
    cid = ids(engine)[-1]
    set_status(engine, cid, "misleading", analyst="asha", note="+ context missing")
    path = tmp_path / "out.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        n = write_rows(iter_claims(engine), fh, "csv")
    df = pd.read_csv(path, keep_default_na=False)
    assert list(df.columns) == list(EXPORT_COLUMNS) and len(df) == n
    rows = {r["claim_id"]: r for r in df.to_dict("records")}
    stored = {r["claim_key"]: r for r in list_claims(engine, limit=100)}
    for key, r in rows.items():
        assert r["content"].lstrip("'") == stored[key]["content"]
        assert r["article_title"] == '\'=HYPERLINK("x")'
    marked = [r for r in rows.values() if r["status"] == "misleading"][0]
    assert marked["verdict_note"] == "'+ context missing" and marked["updated_by"] == "asha"
    assert any(r["content"].startswith("'@SUM") for r in rows.values())


def test_claimreview_only_final_verdicts_and_valid_json(engine):
    ingest_text(
        engine,
        EN + " Officials said </script><script>alert(1)</script> was safe.",
        article_key="city",
        url="https://example.org/city",
        title="City",
    )
    by_content = {r["content"]: r["id"] for r in list_claims(engine, limit=100)}
    set_status(engine, by_content["taxes would not rise"], "false", analyst="asha", note="Taxes rose 3%")
    set_status(engine, by_content["We balanced the books"], "in_progress", analyst="asha")
    xss = [cid for content, cid in by_content.items() if "script" in content][0]
    set_status(engine, xss, "true", analyst="asha")
    buf = io.StringIO()
    n = write_claimreview(iter_claims(engine), buf, load_statuses())
    assert n == 2 and "</script>" not in buf.getvalue()
    reviews = json.loads(buf.getvalue())
    r = [x for x in reviews if x["reviewRating"]["alternateName"] == "False"][0]
    assert r["@type"] == "ClaimReview" and r["reviewRating"]["ratingValue"] == 1
    assert r["itemReviewed"]["@type"] == "Claim"
    assert r["itemReviewed"]["appearance"][0]["url"] == "https://example.org/city"
    assert r["itemReviewed"]["author"]["name"]


def test_status_in_use_cannot_be_removed(engine, tmp_path):
    ingest_text(engine, HI, article_key="kz")
    set_status(engine, ids(engine)[0], "misleading", analyst="asha")
    cfg = tmp_path / "statuses.toml"
    cfg.write_text(
        '[[status]]\nkey = "unverified"\ndefault = true\n[[status]]\nkey = "true"\nfinal = true\n'
        '[[status]]\nkey = "false"\nfinal = true\n',
        "utf-8",
    )
    with pytest.raises(StatusError, match="misleading"):
        check_in_use(engine, load_statuses(cfg))
    check_in_use(engine, load_statuses())


def test_articles_stored_at_once_naming_a_new_person_make_one_person(engine):
    """Eight ingests racing: every article names Kassym-Jomart Tokayev, whom the store does not
    know yet; he must become one person, not eight."""
    barrier = threading.Barrier(8)
    errors = []

    def store(n: int) -> None:
        text = f"Kassym-Jomart Tokayev said the mission number {n} would end within days."
        try:
            barrier.wait()
            ingest_text(engine, text, article_key=f"race-{n}")
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    workers = [threading.Thread(target=store, args=(n,)) for n in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    with engine.connect() as conn:
        names = conn.execute(select(persons.c.name).where(persons.c.merged_into.is_(None))).scalars().all()
    assert names == ["Kassym-Jomart Tokayev"]
