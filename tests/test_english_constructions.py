"""English constructions of issue 10, one fixture each: split and continued quotations, appositive
and anonymous speakers, progressive forms, denials, passive "told by", sources, and pronouns after
a person introduced without speaking."""

from __future__ import annotations

from claims import extract


def claims_of(text: str):
    return extract(text, lang="en")


def test_split_quote_is_one_claim_across_the_attribution():
    text = "“This is a disgusting day,” she said. “He started this silliness years ago.”\n\nNext paragraph here."
    [c] = claims_of(text)
    assert c.content.startswith("This is a disgusting day")
    assert c.content.endswith("He started this silliness years ago")
    assert c.speaker_mention == "she"


def test_split_quote_inside_one_sentence():
    text = "“Every time you say that,” Tester said, referring to the excuse, “you give ammunition to them.”"
    [c] = claims_of(text)
    assert c.speaker == "Tester"
    assert c.content.endswith("you give ammunition to them")


def test_second_quote_with_its_own_attribution_stays_apart():
    text = "“We will win this fight,” Warren said. “The bank must pay for it,” Brown added."
    cs = claims_of(text)
    assert [(c.speaker, c.content) for c in cs] == [
        ("Warren", "We will win this fight"),
        ("Brown", "The bank must pay for it"),
    ]
