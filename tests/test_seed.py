"""The defining article: all 8 gold claims with the right speakers, and none of its traps."""

from __future__ import annotations

import json

import pytest

from claims import extract_article
from claims.evaluation import read_seed, score_article

pytestmark = pytest.mark.shared


@pytest.fixture
def seed(shared):
    path = shared / "seed" / "kz_csto_hi.gold.json"
    return read_seed(path), json.loads(path.read_text("utf-8"))


def test_every_gold_claim_with_its_speaker(seed):
    gold, raw = seed
    ex = extract_article(gold.text, article_id=gold.article_id)
    assert ex.lang == "hi"
    for item in raw["claims"]:
        found = [c for c in ex.claims if item["content"] in c.content or c.content in item["content"]]
        assert found, f"missing: {item['content'][:50]}"
        c = found[0]
        assert c.speaker == item["speaker"], (c.speaker, item["speaker"])
        assert c.kind == item["kind"]
        if item["source"]:
            assert c.source == item["source"]
        assert c.date == item["date"]


def test_scores_perfect_and_no_traps(seed):
    gold, _ = seed
    score = score_article(gold, extract_article(gold.text, article_id=gold.article_id).claims).as_dict()
    assert score["f1"] == 1.0
    assert score["end_to_end_f1"] == 1.0
    assert score["trap_hits"] == 0


def test_traps_never_speakers_or_contents(seed):
    gold, raw = seed
    claims = extract_article(gold.text).claims
    for trap in raw["not_claims"]:
        for c in claims:
            assert c.content != trap["text"]
            assert trap["text"] not in c.speaker
            assert c.speaker_mention not in ("जिन्होंने",)


def test_speaker_entities_and_aliases(seed):
    gold, _ = seed
    speakers = {s.name: s for s in extract_article(gold.text).speakers}
    assert {"आंद्रेई सेरड्यूकोव", "बेरिक उली", "कसीम-जोमार्ट टोकायव", "पश्चिम"} <= set(speakers)
    assert "Tokayev" in speakers["कसीम-जोमार्ट टोकायव"].aliases
    assert "वली" in speakers["बेरिक उली"].aliases
    assert "रूसी कमांडर" in speakers["आंद्रेई सेरड्यूकोव"].aliases
    assert "करीम मासीमोव" not in speakers
