"""Persons that hold on real data (claims.store.linking): one person per real person whatever
title, role phrase or stray word the extraction left in the name, no person for a role alone or a
non-name, roles as evidence for a short name, and merges suggested with their evidence; on
SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import insert, select

from claims.model import Extraction, Speaker
from claims.store.db import writing
from claims.store.linking import canonical, now, store_speakers
from claims.store.person_suggestions import suggest_merges
from claims.store.schema import articles, claims, persons


def _article(conn, key: str) -> int:
    return conn.execute(
        insert(articles).values(article_key=key, text_hash=key, text=key, created_at=now()).returning(articles.c.id)
    ).scalar()


def _link(engine, key: str, *speakers: tuple[str, str, list[str]], lang: str = "hi") -> dict[str, int | None]:
    """Store one article's speakers (name, type, roles); their person ids by name."""
    sps = [Speaker(f"s{i}", name, type_, [name], roles) for i, (name, type_, roles) in enumerate(speakers)]
    with writing(engine) as conn:
        out = store_speakers(conn, _article(conn, key), Extraction(key, lang, [], sps))
    return {sp.name: out[sp.speaker_id][1] for sp in sps}


def _said(conn, person_id: int, name: str) -> None:
    """One claim by ``person_id`` (suggestions are for persons who said something)."""
    aid = _article(conn, f"said-{person_id}")
    spans = dict.fromkeys(("content_start", "content_end", "cue_start", "cue_end", "speaker_start", "speaker_end"), 0)
    conn.execute(
        insert(claims).values(
            claim_key=f"c{person_id}",
            article_id=aid,
            content="…",
            kind="direct",
            cue="",
            speaker=name,
            speaker_mention=name,
            speaker_type="person",
            speaker_role="",
            source="",
            date="",
            sentence_index=0,
            confidence=1.0,
            person_id=person_id,
            status="unverified",
            updated_at=now(),
            **spans,
        )
    )


def _live(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(persons).where(persons.c.merged_into.is_(None)).order_by(persons.c.id)).all()


def test_one_chief_minister_whatever_the_name_carries(engine):
    forms = [
        "मुख्यमंत्री अरविंद केजरीवाल",
        "मु्ख्यमंत्री अरविंद केजरीवाल",  # a stray virama: the same role word misspelt
        "दिल्ली के मुख्यमंत्री अरविंद केजरीवाल",
        "अरविंद केजरीवाल",
        "सीएम अरविंद केजरीवाल",
    ]
    ids = set()
    for i, name in enumerate(forms):
        ids |= set(_link(engine, f"a{i}", (name, "person", [])).values())
    assert len(ids) == 1
    (p,) = _live(engine)
    assert p.name == "अरविंद केजरीवाल"
    assert set(forms) <= set(json.loads(p.aliases))  # every form kept as an alias
    assert "mukhymntri" in json.loads(p.roles)


def test_stray_words_and_titles_in_english_and_hindi():
    assert canonical("मुझे नरेंद्र मोदी", "person", "hi").name == "नरेंद्र मोदी"
    assert canonical("खुद अमेरिकी राषट्रपति डोनल्ड ट्रंप", "person", "hi").name == "डोनल्ड ट्रंप"
    assert canonical("जॉइंट सेक्रटरी लव अग्रवाल", "person", "hi").name == "लव अग्रवाल"
    assert canonical("दरअसल केंद्रीय स्वास्थ्य मंत्रालय", "organization", "hi").name == "केंद्रीय स्वास्थ्य मंत्रालय"
    assert canonical("President Barack Obama", "person", "en").name == "Barack Obama"
    assert canonical("Kassym-Jomart Tokayev", "person", "en").name == "Kassym-Jomart Tokayev"
    # a name is not cut where it is one: "राज ठाकरे" keeps "राज" (a portfolio word only before a role)
    assert canonical("राज ठाकरे", "person", "hi").name == "राज ठाकरे"


def test_a_role_alone_or_a_non_name_is_no_person(engine):
    got = _link(
        engine,
        "a",
        ("स्वास्थ्य मंत्री", "person", []),
        ("देर शाम जारी बुलेटिन", "person", []),
        ("हर्षवर्धन", "person", ["स्वास्थ्य मंत्री"]),
    )
    assert got["स्वास्थ्य मंत्री"] is None and got["देर शाम जारी बुलेटिन"] is None
    assert got["हर्षवर्धन"] is not None
    assert [p.name for p in _live(engine)] == ["हर्षवर्धन"]


def test_roles_decide_a_short_name_that_fits_two(engine):
    first = _link(engine, "a", ("नरेंद्र मोदी", "person", ["प्रधानमंत्री"]), ("सुशील कुमार मोदी", "person", ["उपमुख्यमंत्री"]))
    got = _link(engine, "b", ("प्रधानमंत्री मोदी", "person", []))
    assert got["प्रधानमंत्री मोदी"] == first["नरेंद्र मोदी"]
    plain = _link(engine, "c", ("मोदी", "person", []))  # no role: which Modi is not known, a person of its own
    assert plain["मोदी"] not in first.values()


def test_merges_suggested_with_evidence(engine):
    """Persons an older release stored with titles in their names are suggested as one."""
    with writing(engine) as conn:
        for name, keys, roles in (
            ("मु्ख्यमंत्री अरविंद केजरीवाल", "mukhymntri arvind kejrival", ["mukhymntri"]),
            ("अरविंद केजरीवाल", "arvind kejrival", ["mukhymntri"]),
            ("डोनाल्ड ट्रंप", "donald trnp", []),
        ):
            pid = conn.execute(
                insert(persons).values(
                    name=name,
                    type="person",
                    name_keys=keys,
                    skeleton=keys.split()[-1],
                    aliases="[]",
                    roles=json.dumps(roles),
                    created_at=now(),
                )
            ).inserted_primary_key[0]
            _said(conn, pid, name)
    (s,) = suggest_merges(engine)
    assert {s.keep_name, s.drop_name} == {"मु्ख्यमंत्री अरविंद केजरीवाल", "अरविंद केजरीवाल"}
    assert any("the same name once titles and roles are off" in e for e in s.evidence)
    assert any("both named as mukhymntri (roles, romanised)" in e for e in s.evidence)


def test_a_name_written_as_one_word_and_as_two_is_suggested(engine):
    """Romanising "हर्ष" and "वर्धन" apart differs from "हर्षवर्धन" (a word-initial व reads as u):
    the written form still finds them."""
    with writing(engine) as conn:
        for name in ("हर्षवर्धन", "हर्ष वर्धन"):
            pid = conn.execute(
                insert(persons).values(name=name, type="person", name_keys="", skeleton="", created_at=now())
            ).inserted_primary_key[0]
            _said(conn, pid, name)
    (s,) = suggest_merges(engine)
    assert {s.keep_name, s.drop_name} == {"हर्षवर्धन", "हर्ष वर्धन"}
    assert s.evidence[0].startswith("the same name written as one word and as two")
