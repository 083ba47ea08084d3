"""Speakers on the desk (issue 11): a split alias is shown everywhere the claim is (table,
detail, dashboard, CSV); a typed name finds its person in any script and the usual English
spellings of Hindi names, on the Review filter and the Speakers page, without making two
people one."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from claims.store import ClaimFilter, counts_by, get_claim, history_of, ingest_text, list_claims
from claims.store.export import write_rows
from claims.store.query import iter_claims
from claims.store.speakers import list_persons, split_alias

KZ = "राष्ट्रपति कसीम-जोमार्ट टोकायव ने कहा कि स्थिति नियंत्रण में है। बाद में Tokayev ने कहा कि सेना लौटेगी।"
EN = (
    "Manish Sisodia said schools would open. Donald Trump said the deal was done. "
    "Narendra Modi said growth was strong. Sushil Modi said Bihar would vote."
)
HI = "उद्धव ठाकरे ने कहा कि सरकार चलेगी। हर्षवर्धन ने कहा कि टीके सुरक्षित हैं। मनीष सिसोदिया ने कहा कि स्कूल खुलेंगे।"


def _split_tokayev(engine) -> int:
    ingest_text(engine, KZ, article_key="kz", analyst="asha")
    person = next(p for p in list_persons(engine) if "Tokayev" in p["aliases"])
    said = next(c for c in list_claims(engine) if c["speaker_mention"] == "Tokayev")
    assert said["speaker"] == "कसीम-जोमार्ट टोकायव"  # resolved to the full name in its article
    split_alias(engine, person["id"], "Tokayev", analyst="asha")
    return said["id"]


def test_a_split_alias_is_the_speaker_shown_everywhere(engine):
    cid = _split_tokayev(engine)
    row = next(r for r in list_claims(engine) if r["id"] == cid)
    assert (row["corrected_speaker"] or row["speaker"]) == "Tokayev"  # the table and the detail view
    assert get_claim(engine, cid)["corrected_speaker"] == "Tokayev"
    assert ("Tokayev", 1) in counts_by(engine, "speaker") and ("Tokayev", 1) in counts_by(engine, "person")
    buf = io.StringIO()
    write_rows(iter_claims(engine, ClaimFilter(speaker="Tokayev")), buf, "csv")
    assert "Tokayev" in set(pd.read_csv(io.StringIO(buf.getvalue()))["speaker"])
    assert {h.field for h in history_of(engine, cid)} >= {"person", "corrected_speaker"}  # logged
    other = next(r for r in list_claims(engine) if r["id"] != cid)
    assert (other["corrected_speaker"] or other["speaker"]) == "कसीम-जोमार्ट टोकायव"  # the rest unchanged


def _speakers_of(engine, typed: str) -> set[str]:
    return {r["speaker"] for r in list_claims(engine, ClaimFilter(speaker=typed), limit=100)}


@pytest.fixture
def archive(engine):
    ingest_text(engine, KZ, article_key="kz", analyst="asha")
    ingest_text(engine, EN, article_key="en", analyst="asha")
    ingest_text(engine, HI, article_key="hi", analyst="asha")
    return engine


@pytest.mark.parametrize(
    "typed, speaker",
    [
        ("Sisodia", "मनीष सिसोदिया"),
        ("सिसोदिया", "Manish Sisodia"),
        ("Uddhav Thackeray", "उद्धव ठाकरे"),
        ("Harsh Vardhan", "हर्षवर्धन"),
        ("Harshvardhan", "हर्षवर्धन"),
        ("Tokaev", "कसीम-जोमार्ट टोकायव"),
        ("ट्रंप", "Donald Trump"),
    ],
)
def test_review_speaker_filter_finds_common_spellings_across_scripts(archive, typed, speaker):
    assert speaker in _speakers_of(archive, typed)


def test_speakers_page_search_is_cross_script(archive):
    assert "Donald Trump" in {p["name"] for p in list_persons(archive, search="ट्रंप")}
    assert "उद्धव ठाकरे" in {p["name"] for p in list_persons(archive, search="Thackeray")}


def test_two_people_called_modi_stay_two(archive, tmp_path, monkeypatch):
    modis = {p["name"] for p in list_persons(archive, search="मोदी")}
    assert modis == {"Narendra Modi", "Sushil Modi"}  # listed, each on its own
    assert _speakers_of(archive, "Tokarev") == set()  # a near name is not the same name
    if archive.url.get_backend_name() != "sqlite":
        return
    monkeypatch.setenv("CLAIMS_DB_URL", str(archive.url))
    at = AppTest.from_string("from claims.app.main import PAGES\nPAGES['review'][0]()", default_timeout=60).run()
    at.text_input(key="review_speaker").input("मोदी").run()
    which = at.selectbox(key="review_person")
    assert len(which.options) == 3  # all, or one of the two
    which.select_index(1).run()
    shown = {r["speaker"] for r in list_claims(archive, ClaimFilter(person_id=at.session_state["review_person"]))}
    assert (
        len(shown) == 1
        and at.session_state["review_snapshots"][at.session_state["review_editor_key"]][0]["speaker"] in shown
    )


def test_a_merge_can_be_undone_from_the_speakers_page(engine, monkeypatch):
    ingest_text(engine, "Anna Petrova said the dam was safe.", article_key="a", analyst="asha")
    ingest_text(engine, "Hanna Petrova said the dam was unsafe.", article_key="b", analyst="asha")
    before = {c["id"]: c["person_id"] for c in list_claims(engine)}
    if engine.url.get_backend_name() != "sqlite":
        from claims.store.speakers import merge_persons, unmerge_persons

        keep, drop = sorted(set(before.values()))
        merge_persons(engine, keep, drop, analyst="asha")
        unmerge_persons(engine, keep, drop, analyst="asha")
    else:
        monkeypatch.setenv("CLAIMS_DB_URL", str(engine.url))
        script = "from claims.app.main import PAGES\nfrom claims.app import state\n"
        script += "state.analyst_box()\nPAGES['speakers'][0]()"
        at = AppTest.from_string(script, default_timeout=60)
        at.session_state["analyst"] = "asha"
        at.run()
        keep, drop = sorted(set(before.values()))
        at.selectbox(key="merge_keep").set_value(keep)
        at.selectbox(key="merge_drop").set_value(drop).run()
        at.checkbox(key="merge_sure").check().run()
        at.button(key="merge_go").click().run()
        assert len({c["person_id"] for c in list_claims(engine)}) == 1
        at.button(key="merge_undo_go").click().run()
        assert any("Merge undone" in s.value for s in at.success)
    assert {c["id"]: c["person_id"] for c in list_claims(engine)} == before  # as before the merge
    assert {p["name"]: p["aliases"] for p in list_persons(engine)} == {
        "Anna Petrova": ["Anna Petrova"],
        "Hanna Petrova": ["Hanna Petrova"],
    }
    fields = [h.field for c in list_claims(engine) for h in history_of(engine, c["id"])]
    assert fields.count("person") == 2  # the merge and its undo of the one claim moved, both logged
