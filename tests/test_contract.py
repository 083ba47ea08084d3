"""The output contract: offsets, ids, fields; and robustness on arbitrary text (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import CLAIM_FIELDS, extract
from claims.lang import detect

HI = "उन्होंने कहा कि “सरकार ने मंत्री के मुताबिक, सूत्रों ने बताया कि रिपोर्ट में कहा गया है"
EN = "He said that “the minister told Reuters, according to officials, the report said"


def check_offsets(text, claims):
    for c in claims:
        assert text[c.content_start : c.content_end] == c.content
        assert c.content.strip() == c.content and c.content
        assert text[c.cue_start : c.cue_end] == c.cue
        if c.speaker_start >= 0:
            assert text[c.speaker_start : c.speaker_end] == c.speaker_mention
        else:
            assert c.speaker_mention == ""
        assert c.kind in ("direct", "indirect", "mixed")
        assert 0 < c.confidence <= 1


def test_fields_in_contract_order():
    assert CLAIM_FIELDS[:6] == ("article_id", "claim_id", "content", "content_start", "content_end", "kind")
    for name in (
        "speaker",
        "speaker_mention",
        "speaker_type",
        "speaker_role",
        "source",
        "date",
        "sentence_index",
        "confidence",
        "flags",
    ):
        assert name in CLAIM_FIELDS


def test_claim_ids_stable_and_distinct():
    text = "Smith said the bridge is safe. Jones said the bridge is not safe."
    a = [c.claim_id for c in extract(text, article_id="x")]
    b = [c.claim_id for c in extract(text, article_id="x")]
    assert a == b and len(set(a)) == 2
    assert a != [c.claim_id for c in extract(text, article_id="y")]


def test_language_detection():
    assert detect("उन्होंने कहा कि सब ठीक है") == "hi"
    assert detect("He said all was well") == "en"
    assert detect("12345 !!!") == "en"
    assert extract("राम ने कहा कि सब ठीक है।")[0].lang == "hi"


def test_empty_and_whitespace():
    assert extract("") == []
    assert extract(" \n\t ") == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_unicode_never_raises(text):
    check_offsets(text, extract(text))


pieces = st.sampled_from(HI.split() + EN.split() + ["“", "”", '"', "।", ".", ",", "\n", "-", " ", "\x00", "\u200d"])


@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, max_size=80).map(" ".join), st.sampled_from(["hi", "en", None]))
def test_cue_soup_never_raises_and_offsets_hold(text, lang):
    check_offsets(text, extract(text, lang=lang))


def test_unbalanced_quotes_keep_other_claims():
    text = "“Unclosed start of a quote said nothing.\nMinister Rao said the dam is safe.\n”\n"
    claims = extract(text, lang="en")
    assert any(c.content == "the dam is safe" for c in claims)
    check_offsets(text, claims)


def test_deeply_repeated_cues_are_linear_enough():
    text = "उन्होंने कहा कि " * 3000
    check_offsets(text, extract(text, lang="hi"))


def test_mixed_language_article_reads_each_paragraph_in_its_language():
    text = (
        "राष्ट्रपति कसीम-जोमार्ट टोकायव ने कहा कि स्थिति पूरी तरह नियंत्रण में है।\n"
        "Later, Tokayev said foreign fighters had taken part in the riots."
    )
    from claims import extract_article

    ex = extract_article(text)
    assert [c.lang for c in ex.claims] == ["hi", "en"]
    assert len({c.speaker_id for c in ex.claims}) == 1
    assert ex.claims[1].speaker == "कसीम-जोमार्ट टोकायव"
    check_offsets(text, ex.claims)
