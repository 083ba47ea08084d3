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


def test_party_and_state_in_parentheses_before_the_cue():
    [c] = claims_of("Rep. Gwen Moore (D-Wis.) said Friday that the plan would fail badly.")
    assert (c.speaker, c.content) == ("Gwen Moore", "the plan would fail badly")


def test_appositive_name_after_a_role_is_the_speaker():
    [c] = claims_of("Its chief executive, Robert Kahn, wrote on Twitter that the deal was dead.")
    assert (c.speaker, c.speaker_role, c.source) == ("Robert Kahn", "Its chief executive", "on Twitter")
    [d] = claims_of("His neighbour, Sally Brooks, said: “We heard nothing that night.”")
    assert (d.speaker, d.speaker_role, d.kind) == ("Sally Brooks", "His neighbour", "direct")


def test_quote_then_name_with_appositive_then_cue():
    text = "“It is an invasion of the state domain,” Scott Pruitt, the attorney general of Oklahoma, said."
    [c] = claims_of(text)
    assert (c.speaker, c.speaker_role) == ("Scott Pruitt", "the attorney general of Oklahoma")
    text = "“They would just go get them,” Rep. Jim Jordan (R-Ohio), an oversight panel member, said in an interview."
    [d] = claims_of(text)
    assert (d.speaker, d.speaker_role) == ("Jim Jordan", "an oversight panel member")


def test_attribution_inside_the_sentence_between_commas():
    [c] = claims_of("The museum, Mr. Obama said, would make visitors face uncomfortable truths.")
    assert c.speaker == "Obama"
    assert c.content == "The museum, Mr. Obama said, would make visitors face uncomfortable truths"
