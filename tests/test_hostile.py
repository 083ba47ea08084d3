"""Hostile and broken input: importers and extractor fuzzed with hypothesis, huge articles,
control characters, truncated files; HTML in articles is shown as text."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import extract
from claims.app.render import highlight_article, sentence_context
from claims.inputs import Article, InputError, read_bytes
from claims.store import load_statuses

NAMES = st.sampled_from(["a.txt", "b.csv", "c.jsonl", "d.html", "e.htm", "f"])
SCRIPTS = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "M", "N", "P", "Z", "Cc", "S"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NAMES, st.binary(max_size=2000))
def test_importers_never_raise_on_random_bytes(name, data):
    for item in read_bytes(name, data):
        assert isinstance(item, Article | InputError)
        if isinstance(item, InputError):
            assert item.origin.startswith(name) and item.message


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=20), SCRIPTS), max_size=8), st.integers(0, 400))
def test_truncated_csv_keeps_the_good_rows(rows, cut):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "text"])
    for r in rows:
        w.writerow(r)
    data = buf.getvalue()[: len("id,text\r\n") + cut].encode()
    items = list(read_bytes("batch.csv", data))
    for item in items:
        assert isinstance(item, Article | InputError)
        if isinstance(item, InputError):
            assert item.origin.startswith("batch.csv")


def test_truncated_jsonl_names_the_line():
    good = json.dumps({"id": "1", "text": "Officials said the road is open."})
    items = list(read_bytes("b.jsonl", (good + "\n" + good[:25]).encode()))
    assert isinstance(items[0], Article)
    assert isinstance(items[1], InputError) and items[1].origin == "b.jsonl:2"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCRIPTS, st.sampled_from(["hi", "en", None]))
def test_extractor_on_mixed_scripts_and_control_characters(text, lang):
    for c in extract(text, lang=lang):
        assert text[c.content_start : c.content_end] == c.content


def test_ten_megabyte_article():
    para = (
        "मंत्री राम प्रसाद ने कहा कि सड़क बनेगी। “हम तैयार हैं,” उन्होंने कहा।\n"
        "The minister said the road would be built. “We are ready,” he said.\n"
    )
    text = para * (10_000_000 // len(para))
    claims = extract(text)
    assert len(claims) >= 4 * (len(text) // len(para)) * 0.9
    for c in claims[:: max(1, len(claims) // 500)]:
        assert text[c.content_start : c.content_end] == c.content


def test_deeply_repeated_cues_and_unclosed_quotes():
    for text in ("“" * 50_000 + "said " * 50_000, "ने कहा कि " * 30_000, '"He said "' * 20_000):
        for c in extract(text):
            assert text[c.content_start : c.content_end] == c.content


def test_html_and_script_in_articles_is_displayed_as_text():
    evil = 'Mayor <script>alert(1)</script> Ruiz said the <img src=x onerror="alert(2)"> plan "works".'
    claims = [
        dict(c.to_dict(), id=n, status="unverified", corrected_speaker="", corrected_start=None, corrected_end=None)
        for n, c in enumerate(extract(evil, lang="en"))
    ]
    assert claims
    for html in (highlight_article(evil, claims, load_statuses()), sentence_context(evil, 0, 20)):
        assert "<script>" not in html and "<img" not in html and 'onerror="' not in html
        assert "&lt;script&gt;" in html
