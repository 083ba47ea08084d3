"""English constructions and traps, one example each."""

from __future__ import annotations

import pytest

from claims import extract, extract_article


def one(text: str):
    claims = extract(text, lang="en")
    assert len(claims) == 1, [(c.speaker, c.cue, c.content) for c in claims]
    return claims[0]


@pytest.mark.parametrize("that", ["that ", ""])
def test_said_that(that):
    c = one(f"Senator Elizabeth Warren said {that}the bill would lower drug prices.")
    assert c.speaker == "Elizabeth Warren"
    assert c.content == "the bill would lower drug prices"
    assert c.kind == "indirect"


def test_quote_then_speaker_said():
    c = one("“We will not back down,” Warren said.")
    assert (c.speaker, c.kind, c.content) == ("Warren", "direct", "We will not back down")


def test_quote_then_said_speaker_with_role():
    c = one("“The numbers do not add up,” said Mark Zandi, the chief economist at Moody’s.")
    assert c.speaker == "Mark Zandi"
    assert "chief economist" in c.speaker_role


def test_according_to_front_and_back():
    a = one("According to the Census Bureau, median income rose 5 percent last year.")
    assert a.speaker == "Census Bureau"
    assert a.content == "median income rose 5 percent last year"
    b = one("Median income rose 5 percent last year, according to the Census Bureau.")
    assert b.content == "Median income rose 5 percent last year"


def test_told_outlet_is_source():
    c = one("Sanders told Reuters that the campaign would continue.")
    assert c.speaker == "Sanders"
    assert c.source == "told Reuters"
    assert c.content == "the campaign would continue"


def test_added_colon_quote():
    c = one("Johnson added: “This is only the beginning of the fight.”")
    assert (c.speaker, c.kind) == ("Johnson", "direct")
    assert c.content == "This is only the beginning of the fight"


def test_added_colon_then_a_block_paragraph_without_quote_marks():
    c = one("Limbaugh added:\n\nAnd from a supposed front-runner, this reeks of fear. She cannot win.\n\nNext item.")
    assert (c.speaker, c.cue, c.kind) == ("Limbaugh", "added", "direct")
    assert c.content == "And from a supposed front-runner, this reeks of fear. She cannot win"


def test_doubled_apostrophes_are_quote_marks():
    c = one("''This isn't tax reform,'' said Douglas Holtz-Eakin, an economist. Nothing else here.")
    assert (c.speaker, c.kind, c.content) == ("Douglas Holtz-Eakin", "direct", "This isn't tax reform")


def test_a_title_word_after_an_honorific_is_a_surname():
    c = one("“They pay us a lot of money, and we need it,” Mr. King said.")
    assert c.speaker == "King"


def test_quote_signed_with_a_dash_and_a_name():
    text = "“He can’t even answer a question without scaring people.” ― Esther Tapia\nGetty/Instagram."
    c = one(text)
    assert (c.speaker, c.cue, c.kind) == ("Esther Tapia", "―", "direct")
    assert c.content == "He can’t even answer a question without scaring people"


def test_a_dash_before_a_sentence_is_not_a_signature():
    # the name is not the end of its line: a sentence goes on after it, so nobody signed the quote
    assert extract("“We will win this race,” — Jane Smith, the mayor, was not there.", lang="en") == []


def test_adding_that_is_a_second_claim_of_the_same_speaker():
    claims = extract("Smith said the plan would fail badly, adding that nobody had read it.", lang="en")
    assert [(c.speaker, c.cue, c.content) for c in claims] == [
        ("Smith", "said", "the plan would fail badly"),
        ("Smith", "adding", "nobody had read it"),
    ]
    quoted = extract("“This became personal,” he said, adding he would never vote for Clinton.", lang="en")
    assert [(c.speaker_mention, c.cue) for c in quoted] == [("he", "said"), ("he", "adding")]


def test_headline_label_names_the_speaker_given_in_full_later():
    text = "Pence: Flowers Won’t Be at Debate, Trump Was Mocking.\n\nOn Sunday, Gov. Mike Pence spoke on Fox."
    c = one(text)
    assert (c.speaker, c.cue, c.kind) == ("Mike Pence", ":", "direct")
    assert c.content == "Flowers Won’t Be at Debate, Trump Was Mocking"


def test_transcript_speaker_labels():
    text = (
        "Mike Pence spoke to Chris Wallace.\n\n"
        "PENCE: Well, look, this is not an episode of a game show.\n\n"
        "WALLACE: Let us start with the news on the debate."
    )
    claims = extract(text, lang="en")
    assert [(c.speaker, c.cue) for c in claims] == [("Mike Pence", ":"), ("Chris Wallace", ":")]


@pytest.mark.parametrize(
    "text",
    [
        "Brexit: The talks are tightening in the final weeks.\n\nBrexit is hard.",  # a topic, not a person
        "Analysis: The race is tightening in the final weeks.",  # a genre label
        "The plan was simple.\n\nJane Smith: the second line is not a headline here.",  # not the first line
    ],
)
def test_labels_that_name_no_speaker(text):
    assert [c for c in extract(text, lang="en") if c.cue == ":"] == []


def test_quote_runs_over_paragraphs():
    text = "Mayor Lisa Chen said: “We have rebuilt the bridge.\n\n“And we will rebuild the school,” she said."
    claims = extract(text, lang="en")
    assert claims[0].speaker == "Lisa Chen"
    assert "rebuild the school" in claims[0].content
    assert claims[0].content.startswith("We have rebuilt the bridge.")


def test_unnamed_officials_on_condition_of_anonymity():
    c = one("Two officials, who spoke on condition of anonymity, said the talks had stalled.")
    assert c.speaker_type == "anonymous"
    assert c.content == "the talks had stalled"


def test_document_speaker():
    c = one("The report said unemployment had fallen to 4 percent.")
    assert c.speaker_type == "document"


def test_in_a_statement_is_source():
    c = one("The ministry said in a statement that the border would stay closed.")
    assert c.source == "in a statement"
    assert c.speaker_type == "organization"


def test_pronouns_resolve_by_gender():
    text = (
        "Mr. John Kerry met Ms. Angela Merkel on Monday. Merkel said the talks went well. "
        "Kerry said they had agreed on a plan. He said the plan would be published. "
        "She said Germany would pay its share."
    )
    claims = extract(text, lang="en")
    assert [c.speaker for c in claims] == ["Angela Merkel", "John Kerry", "John Kerry", "Angela Merkel"]


def test_role_noun_resolves():
    text = "Foreign Minister Sergei Lavrov said the sanctions were illegal. The minister said Russia would respond."
    claims = extract(text, lang="en")
    assert [c.speaker for c in claims] == ["Sergei Lavrov", "Sergei Lavrov"]


def test_mental_state_and_request_are_flagged_with_lower_confidence():
    said, believes, urged = extract(
        "Smith said the vote was fair. Jones believes the vote was rigged. "
        "Brown urged voters to stay calm and wait for results.",
        lang="en",
    )
    assert "mental_state" in believes.flags and believes.confidence < said.confidence
    assert "request" in urged.flags and urged.confidence < said.confidence


def test_unbalanced_quote_still_yields_other_claims():
    text = "“This is where it starts, Warren said.\nSanders said the plan was too timid."
    claims = extract(text, lang="en")
    assert any(c.speaker == "Sanders" and c.content == "the plan was too timid" for c in claims)


@pytest.mark.parametrize(
    "text",
    [
        "It is said that the castle is haunted.",
        "The film “Gone With the Wind” played all week.",
        "Sales said to have risen were in fact flat.",
    ],
)
def test_traps_give_no_claim(text):
    assert extract(text, lang="en") == []


def test_speakers_list_aliases():
    ex = extract_article("Hillary Clinton said she would win. Clinton said the polls were wrong.", lang="en")
    assert len(ex.speakers) == 1
    assert ex.speakers[0].aliases == ["Hillary Clinton", "Clinton"]
