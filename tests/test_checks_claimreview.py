"""Publishable ClaimReview (issue 13, item 5), checked against the fields Google documents.

Google's "Fact check (ClaimReview) structured data" page,
https://developers.google.com/search/docs/appearance/structured-data/factcheck (its property
tables, as also listed by Full Fact's ClaimReview notes,
https://fullfact.github.io/markup-investigation/docs/notes/01-basic-usage/):

- required: ``ClaimReview.claimReviewed`` ("try to keep this less than 75 characters"),
  ``ClaimReview.reviewRating``, ``ClaimReview.url`` (the fact-check page, on the publisher's
  domain), ``Rating.alternateName``;
- recommended: ``ClaimReview.author`` (Organization, with ``name`` and ``url``),
  ``ClaimReview.datePublished``, ``ClaimReview.itemReviewed`` (Claim), ``Claim.appearance``,
  ``Claim.author`` (Person or Organization), ``Claim.datePublished``, ``Claim.firstAppearance``,
  ``Rating.bestRating``, ``Rating.name``, ``Rating.ratingValue``, ``Rating.worstRating``.

The issue adds ``inLanguage`` and the speaker's canonical name.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from claims.store import get_claim, ingest_text, list_claims, update_claim
from claims.store.export import (
    CLAIM_REVIEWED_MAX,
    Publisher,
    PublisherError,
    load_publisher,
    short_claim,
    with_person_names,
    write_claimreview,
)
from claims.store.query import iter_claims
from claims.store.schema import persons
from claims.store.statuses import load_statuses

REQUIRED = {
    "ClaimReview": ("claimReviewed", "reviewRating", "url"),
    "Rating": ("alternateName",),
}
RECOMMENDED = {
    "ClaimReview": ("author", "datePublished", "itemReviewed"),
    "Organization": ("name", "url"),  # ClaimReview.author
    "Claim": ("appearance", "author", "datePublished", "firstAppearance"),
    "Rating": ("bestRating", "name", "ratingValue", "worstRating"),
}
TEXT = (
    "Finance Minister John Smith said on Tuesday that unemployment in the northern districts of the state "
    "fell by 12 percent last year, more than in any year since 1990.\n"
    "The Ministry of Health said 4,000 new cases were found.\n"
)
PUB = Publisher(
    name="Example Fact Check",
    url="https://example.org/",
    review_url="https://example.org/fact-check/{claim_id}",
    in_language="en",
)


def _verdicts(engine):
    ingest_text(
        engine, TEXT, article_key="smith", title="Jobs", url="https://news.example.com/jobs", published="2024-03-05"
    )
    out = {}
    for r in list_claims(engine, limit=10):
        update_claim(engine, r["id"], base_version=r["version"], analyst="asha", status="false", verdict_note="No.")
        out[r["speaker"]] = r["id"]
    return out


def _reviews(engine, publisher=PUB):
    buf = io.StringIO()
    write_claimreview(with_person_names(engine, iter_claims(engine)), buf, load_statuses(), publisher=publisher)
    return json.loads(buf.getvalue())


def test_claimreview_has_every_field_google_requires_and_recommends(engine):
    ids = _verdicts(engine)
    reviews = {r["itemReviewed"]["author"]["name"]: r for r in _reviews(engine)}
    rv = reviews["John Smith"]
    for obj, fields in (("ClaimReview", rv), ("Rating", rv["reviewRating"])):
        missing = [f for f in REQUIRED[obj] if not fields.get(f)]
        assert not missing, (obj, missing)
    for obj, fields in (
        ("ClaimReview", rv),
        ("Organization", rv["author"]),
        ("Claim", rv["itemReviewed"]),
        ("Rating", rv["reviewRating"]),
    ):
        missing = [f for f in RECOMMENDED[obj] if f not in fields]
        assert not missing, (obj, missing)
    assert rv["@context"] == "https://schema.org" and rv["@type"] == "ClaimReview"
    key = get_claim(engine, ids["John Smith"])["claim_key"]
    assert rv["url"] == f"https://example.org/fact-check/{key}"
    assert urlsplit(rv["url"]).netloc == urlsplit(PUB.url).netloc  # on the publisher's domain
    assert rv["author"] == {"@type": "Organization", "name": "Example Fact Check", "url": "https://example.org/"}
    assert rv["inLanguage"] == "en"
    date.fromisoformat(rv["datePublished"])
    claim = rv["itemReviewed"]
    assert claim["@type"] == "Claim" and claim["datePublished"] == "2024-03-05"
    assert claim["appearance"][0]["url"] == "https://news.example.com/jobs" == claim["firstAppearance"]["url"]
    assert claim["author"]["@type"] == "Person" and claim["author"]["jobTitle"] == "Finance Minister"
    rating = rv["reviewRating"]
    assert (rating["alternateName"], rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (
        "False",
        1,
        5,
        1,
    )
    assert "False" not in rv["claimReviewed"]  # Google: the rating goes in reviewRating, not the claim
    # claimReviewed shortened as Google advises: under 75 characters, cut at a word, marked
    content = get_claim(engine, ids["John Smith"])["content"]
    assert len(content) > CLAIM_REVIEWED_MAX
    assert len(rv["claimReviewed"]) < CLAIM_REVIEWED_MAX and rv["claimReviewed"].endswith("…")
    assert content.startswith(rv["claimReviewed"][:-1]) and content[len(rv["claimReviewed"]) - 1] == " "
    # an organisation speaks as an Organization
    org = reviews["Ministry of Health"]["itemReviewed"]["author"]
    assert org["@type"] == "Organization"


def test_the_speaker_is_the_persons_canonical_name_unless_an_analyst_corrected_it(engine):
    ids = _verdicts(engine)
    c = get_claim(engine, ids["John Smith"])
    with engine.begin() as conn:  # the archive-wide person carries the canonical name
        conn.execute(update(persons).where(persons.c.id == c["person_id"]).values(name="John Q. Smith"))
    names = {r["itemReviewed"]["author"]["name"] for r in _reviews(engine)}
    assert "John Q. Smith" in names and "John Smith" not in names
    update_claim(engine, c["id"], base_version=c["version"], analyst="asha", corrected_speaker="Jon Smyth")
    names = {r["itemReviewed"]["author"]["name"] for r in _reviews(engine)}
    assert "Jon Smyth" in names


def test_the_language_is_the_claims_own_without_a_configured_one(engine):
    ingest_text(engine, "मुख्यमंत्री उद्धव ठाकरे ने कहा कि राज्य में 20 प्रतिशत मामले घटे हैं।", article_key="hi")
    r = list_claims(engine)[0]
    update_claim(engine, r["id"], base_version=r["version"], analyst="asha", status="true")
    [rv] = _reviews(engine, Publisher(name="Desk", review_url="https://desk.example/{desk_id}"))
    assert rv["inLanguage"] == "hi" and rv["url"] == f"https://desk.example/{r['id']}"
    assert "url" not in rv["itemReviewed"]["appearance"][0]  # the article has no URL: none is made up


@pytest.mark.parametrize(
    "text",
    [
        "short claim",
        "word " * 40,
        "x" * 200,
        "राज्य में संक्रमण के मामले 20 प्रतिशत घटकर 5000 रह गए हैं और अस्पतालों में बिस्तर खाली हो रहे हैं, मंत्री ने कहा",
    ],
)
def test_short_claim_stays_under_google_advice_and_cuts_no_letter(text):
    import regex

    out = short_claim(text)
    assert len(out) < CLAIM_REVIEWED_MAX
    if len(" ".join(text.split())) < CLAIM_REVIEWED_MAX:
        assert out == " ".join(text.split())
    else:
        body = out[:-1]
        assert out.endswith("…") and " ".join(text.split()).startswith(body)
        whole = regex.findall(r"\X", " ".join(text.split()))
        assert regex.findall(r"\X", body) == whole[: len(regex.findall(r"\X", body))]


def test_publisher_configuration_from_a_file_and_options(tmp_path, monkeypatch):
    cfg = tmp_path / "claimreview.toml"
    cfg.write_text(
        '[claimreview]\nname = "Desk"\nurl = "https://desk.example"\nreview_url = "https://desk.example/c/{claim_id}"\n',
        "utf-8",
    )
    p = load_publisher(cfg, name="Other desk", url=None)
    assert (p.name, p.url, p.review_url) == ("Other desk", "https://desk.example", "https://desk.example/c/{claim_id}")
    monkeypatch.setenv("CLAIMS_CLAIMREVIEW", str(cfg))
    assert load_publisher().name == "Desk"
    for bad, msg in (
        ({"review_url": "https://x.example/{claim}"}, "it may use"),
        ({"review_url": "https://x.example/fixed"}, "one page per claim"),
        ({"review_url": "/fact-check/{claim_id}"}, "absolute"),
        ({"url": "javascript:alert(1)"}, "absolute"),
        ({"name": " "}, "name"),
    ):
        with pytest.raises(PublisherError, match=msg):
            load_publisher(None, **bad)
    cfg.write_text('[claimreview]\nnme = "typo"\n', "utf-8")
    with pytest.raises(PublisherError, match="unknown"):
        load_publisher(cfg)


def test_claims_export_claimreview_from_the_command_line(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    from claims.store import open_store

    engine = open_store(db)
    _verdicts(engine)
    engine.dispose()
    base = [sys.executable, "-m", "claims.cli", "export", "--format", "claimreview", "--db", db]
    ok = subprocess.run(
        [*base, "--publisher", "Desk", "--publisher-url", "https://desk.example", "--review-url",
         "https://desk.example/fact-check/{claim_id}", "--in-language", "en"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    reviews = json.loads(ok.stdout)
    assert len(reviews) == 2 and all(r["url"].startswith("https://desk.example/fact-check/") for r in reviews)
    assert all(r["author"]["name"] == "Desk" for r in reviews)
    bad = subprocess.run([*base, "--review-url", "https://desk.example/{oops}"], capture_output=True, text=True)
    assert bad.returncode == 2 and "it may use" in bad.stderr
    warn = subprocess.run(base, capture_output=True, text=True, timeout=120)
    assert warn.returncode == 0 and "Google requires one" in warn.stderr
