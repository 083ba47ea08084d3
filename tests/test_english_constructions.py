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


def test_anonymous_officials():
    [c] = claims_of("Two officials who spoke on condition of anonymity said the talks had collapsed.")
    assert (c.speaker, c.speaker_type, c.content) == ("Two officials", "anonymous", "the talks had collapsed")


def test_progressive_cue_takes_its_own_subject():
    [c] = claims_of("The minister is saying that the budget will be balanced next year.")
    assert (c.speaker_mention, c.content) == ("The minister", "the budget will be balanced next year")


def test_dismissed_reports_that():
    [c] = claims_of("The company dismissed reports that it was planning layoffs in March.")
    assert (c.speaker, c.cue, c.content) == ("The company", "dismissed", "it was planning layoffs in March")


def test_told_by_gives_the_agent_as_speaker():
    [c] = claims_of("Jones was told by two police officers that the road would be closed.")
    assert (c.speaker, c.speaker_type, c.content) == ("two police officers", "anonymous", "the road would be closed")


def test_sources_in_a_statement_on_twitter_in_an_interview():
    a = claims_of("Smith said in a statement that the firm would appeal the ruling.")[0]
    b = claims_of("Smith said in an interview with CNN that the firm would appeal.")[0]
    c = claims_of("Smith wrote on Twitter that the firm would appeal the ruling.")[0]
    assert (a.source, b.source, c.source) == ("in a statement", "in an interview with CNN", "on Twitter")


def test_pronoun_after_a_person_introduced_without_speaking():
    text = "Defence Minister Laura Bianchi met her counterpart in Rome on Monday. She said the talks were productive."
    [c] = claims_of(text)
    assert (c.speaker, c.speaker_mention) == ("Laura Bianchi", "She")


def test_quote_continued_in_a_new_paragraph():
    text = "Smith said: “The plan is sound and it will pass.\n\n“We have the votes in the Senate.”\n\nOther news."
    [c] = claims_of(text)
    assert c.speaker == "Smith"
    assert c.content.endswith("We have the votes in the Senate")


def test_what_someone_wants_or_agreed_to_do_but_not_hearsay():
    [c] = claims_of("Clinton wants to sign up 5 million people by the end of the year.")
    assert (c.speaker, c.content) == ("Clinton", "to sign up 5 million people by the end of the year")
    assert claims_of("Sales said to have risen were in fact flat.") == []
