"""Hindi as newspapers write it: every aspect, gender and number of the reporting verb, subjects
with and without "ने", nominal and genitive forms, quote shapes, Unicode as it arrives, stories
that share a file, and people introduced before they speak. Each sentence written for this test."""

from __future__ import annotations

import pytest

from claims import extract, extract_article
from claims.lang import load
from claims.lang.inflection import expand, noun_forms, verb_forms
from claims.pipeline.normalise import fold

CONTENT = "पुल अगले सोमवार से खुल जाएगा"


def said(text: str):
    """The single claim of ``text``; fails listing what was found otherwise."""
    claims = extract(text, lang="hi")
    assert len(claims) == 1, [(c.speaker, c.cue, c.content) for c in claims]
    return claims[0]


# ---------------------------------------------------------------- morphology is generated
def test_forms_are_generated_from_the_stem():
    pack = load("hi")
    kah = next(c for c in pack.cues if c.phrase == "{कह}")
    forms = {f.text: (f.aspect, f.agree) for f in kah.inflections}
    assert forms["कहा"] == ("perfective", "ms")
    assert forms["कहीं"] == ("perfective", "fp")
    assert forms["कहती"] == ("habitual", "f")
    assert forms["कह रहे"] == ("progressive", "mp")
    assert forms["कहेंगी"] == ("future", "fp")
    assert "कह दिया" in forms  # explicator
    claim = next(c for c in pack.cues if c.phrase == "दावा {कर}")
    assert {"दावा किया", "दावा कर रहे", "दावा करते"} <= set(claim.forms)


def test_inflection_of_an_aa_stem_and_an_irregular_verb():
    table = load("hi").grammar and {
        "perfective": {"aa": {"ms": ["या"]}, "consonant": {"ms": ["ा"]}},
        "future": {"aa": {"mp": ["एंगे"]}},
    }
    assert [f.text for f in verb_forms("बता", table, {})] == ["बता", "बताया", "बताएंगे"]
    irregular = {"perfective": {"ms": ["किया"], "f": ["की"]}}
    assert [f.text for f in expand("उल्लेख {कर}", {"कर": irregular}, table)][:2] == ["उल्लेख किया", "उल्लेख की"]
    plural = {"ी": {"plural": [["ी", "ियों"]]}, "": {"plural": [["", "ों"]]}}
    assert [f.text for f in noun_forms("अधिकारी", plural)] == ["अधिकारियों"]
    assert [f.text for f in noun_forms("चिकित्सक", plural)] == ["चिकित्सकों"]


# ---------------------------------------------------------------- aspect x gender x number
@pytest.mark.parametrize(
    "subject, verb",
    [
        ("विधायक सुरेश यादव", "कहते हैं"),  # habitual, honorific masculine
        ("प्रधानाचार्य सुनीता वर्मा", "कहती हैं"),  # habitual, feminine
        ("वह", "कहता है"),  # habitual, masculine singular
        ("ग्रामीण", "कहते हैं"),  # plural
        ("विधायक सुरेश यादव", "कह रहे हैं"),  # progressive
        ("प्रधानाचार्य सुनीता वर्मा", "कह रही थीं"),  # progressive past, feminine
        ("विधायक सुरेश यादव", "बताते हैं"),
        ("प्रधानाचार्य सुनीता वर्मा", "बता रही हैं"),
        ("विधायक सुरेश यादव", "मानते हैं"),
        ("जिलाधिकारी", "कहेंगे"),  # future
        ("प्रधानाचार्य सुनीता वर्मा", "दोहराती हैं"),
        ("विधायक सुरेश यादव", "समझाते हैं"),
    ],
)
def test_unmarked_subject_every_aspect(subject, verb):
    c = said(f"{subject} {verb} कि {CONTENT}।")
    assert c.content == CONTENT
    assert c.cue.startswith(verb.split()[0])
    assert c.speaker_mention.endswith(subject.split()[-1])


@pytest.mark.parametrize(
    "verb", ["कहा", "कहा था", "कहा है", "बताया", "बताई थी", "दोहराया", "जोड़ा", "लिखा", "स्वीकारा", "कह दिया"]
)
def test_perfective_with_ne(verb):
    c = said(f"जिलाधिकारी अनिल मेहता ने {verb} कि {CONTENT}।")
    assert (c.speaker, c.content) == ("अनिल मेहता", CONTENT)


@pytest.mark.parametrize("verb", ["बोले", "बोलीं"])
def test_intransitive_headline_forms_take_no_ne(verb):
    name = "ममता बनर्जी" if verb == "बोलीं" else "अमित शाह"
    c = said(f"{name} {verb} - {CONTENT}")
    assert c.speaker == name
    assert c.content == CONTENT


def test_verb_agreement_picks_the_speaker():
    """"कहती हैं" after a man and a woman were named is said by the woman."""
    text = (
        "बैठक में डॉक्टर रमेश गुप्ता ने दवाओं की सूची पढ़ी। नर्स कविता देवी ने मरीजों का हाल बताया। "
        f"वह कहती हैं कि {CONTENT}।"
    )
    claims = extract(text, lang="hi")
    assert [(c.speaker, c.content) for c in claims] == [("कविता देवी", CONTENT)]
    text = text.replace("वह कहती हैं", "वह कहते हैं").replace("नर्स कविता देवी ने मरीजों का हाल बताया। ", "")
    assert [c.speaker for c in extract(text, lang="hi")] == ["रमेश गुप्ता"]


def test_adverbs_and_dates_between_subject_and_verb():
    c = said(f"मंत्री सतीश कुमार लगातार कह रहे हैं कि {CONTENT}।")
    assert c.speaker == "सतीश कुमार"
    c = said(f"डॉक्टर मंगलवार को बताते हैं कि {CONTENT}।")
    assert c.speaker_mention == "डॉक्टर"


def test_negated_cue_is_no_claim():
    assert extract(f"मंत्री सतीश कुमार इस पर कुछ नहीं कहेंगे कि {CONTENT}।", lang="hi") == []


# ---------------------------------------------------------------- converbs and compounds
@pytest.mark.parametrize(
    "converb",
    ["चेतावनी देते हुए", "सरकार पर आरोप लगाते हुए", "ट्वीट कर", "बयान जारी कर", "स्थिति स्पष्ट करते हुए"],
)
def test_converb_before_the_cue(converb):
    c = said(f"सांसद रीता सिंह ने {converb} कहा कि {CONTENT}।")
    assert (c.speaker, c.content, c.cue) == ("रीता सिंह", CONTENT, "कहा")


@pytest.mark.parametrize("cue", ["दावा किया", "आरोप लगाया", "चेतावनी दी", "आशंका जताई", "भरोसा दिलाया"])
def test_compound_cues(cue):
    c = said(f"सांसद रीता सिंह ने {cue} कि {CONTENT}।")
    assert c.speaker == "रीता सिंह"
    assert c.content == CONTENT


def test_particle_inside_a_compound():
    c = said(f"सांसद रीता सिंह ने विश्वास भी जताया कि {CONTENT}।")
    assert c.cue == "विश्वास भी जताया"
    assert "mental_state" in c.flags


# ---------------------------------------------------------------- nominal and genitive forms
@pytest.mark.parametrize(
    "frame, speaker",
    [
        ("सुरेश यादव का कहना है कि", "सुरेश यादव"),
        ("सुरेश यादव का मानना है कि", "सुरेश यादव"),
        ("विपक्ष के नेता सुरेश यादव का आरोप है कि", "सुरेश यादव"),
        ("कंपनी का दावा था कि", "कंपनी"),
        ("प्रधानाचार्य सुनीता वर्मा की राय है कि", "सुनीता वर्मा"),
    ],
)
def test_nominal_cues(frame, speaker):
    c = said(f"{frame} {CONTENT}।")
    assert c.speaker == speaker
    assert c.content == CONTENT


@pytest.mark.parametrize("frame", ["उनके अनुसार,", "उनके मुताबिक", "उनका कहना है कि", "इनका कहना है कि"])
def test_genitive_pronouns(frame):
    text = f"जिलाधिकारी अनिल मेहता ने बुधवार को पुल का निरीक्षण किया। {frame} {CONTENT}।"
    c = said(text)
    assert c.speaker == "अनिल मेहता"
    assert c.content == CONTENT


def test_bakaul():
    c = said(f"बकौल अनिल मेहता, {CONTENT}।")
    assert c.speaker == "अनिल मेहता"


# ---------------------------------------------------------------- subjects
def test_relative_clause_inside_the_subject():
    c = said(f"रमेश गुप्ता, जो अब आयोग के सदस्य हैं, ने कहा कि {CONTENT}।")
    assert c.speaker == "रमेश गुप्ता"


def test_zero_subject_continues_the_speaker():
    text = f"जिलाधिकारी अनिल मेहता ने बुधवार को पुल का निरीक्षण किया। बताया कि {CONTENT}।"
    c = said(text)
    assert (c.speaker, c.speaker_mention, c.speaker_start) == ("अनिल मेहता", "", -1)


def test_fullest_speaker_phrase():
    c = said(f"पुलिस के एक अधिकारी ने बताया कि {CONTENT}।")
    assert c.speaker == "पुलिस के एक अधिकारी"
    assert c.speaker_type == "person"
    c = said(f"विशेषज्ञ चिकित्सकों का कहना है कि {CONTENT}।")
    assert c.speaker == "विशेषज्ञ चिकित्सकों"
    assert c.speaker_type == "group"


def test_document_gives_its_issuer():
    c = said(f"स्वास्थ्य मंत्रालय के आंकड़ों के अनुसार, {CONTENT}।")
    assert c.speaker == "स्वास्थ्य मंत्रालय"
    assert c.speaker_type == "organization"
    assert c.source == "स्वास्थ्य मंत्रालय के आंकड़ों"


def test_generic_noun_refers_to_the_organisation():
    text = f"भाजपा ने सोमवार को बैठक की। पार्टी ने कहा कि {CONTENT}।"
    assert [c.speaker for c in extract(text, lang="hi")] == ["भाजपा"]


# ---------------------------------------------------------------- passives
def test_passive_with_a_source_is_a_claim():
    c = said(f"रिपोर्ट में कहा गया है कि {CONTENT}।")
    assert (c.speaker, c.speaker_type) == ("रिपोर्ट", "document")
    c = said(f"संपादकीय में आरोप लगाया गया है कि {CONTENT}।")
    assert c.content == CONTENT


@pytest.mark.parametrize("frame", ["कहा जाता है कि", "बताया जा रहा है कि", "बताया गया है कि", "यह पूछे जाने पर कि"])
def test_impersonal_hearsay_is_no_claim(frame):
    assert extract(f"{frame} {CONTENT}।", lang="hi") == []


def test_narrator_is_no_claim():
    assert extract(f"बता दें कि {CONTENT}।", lang="hi") == []


# ---------------------------------------------------------------- quote shapes of real papers
def test_quote_signed_with_a_dash():
    text = f"स्वास्थ्य मंत्री हर्षवर्धन अस्पताल पहुंचे।\n“{CONTENT}।” – स्वास्थ्य मंत्री हर्षवर्धन"
    c = said(text)
    assert (c.speaker, c.kind, c.content) == ("हर्षवर्धन", "direct", CONTENT)


def test_quote_then_yah_kahna_hai():
    c = said(f"“{CONTENT}।” यह कहना है जिलाधिकारी अनिल मेहता का।")
    assert (c.speaker, c.kind) == ("अनिल मेहता", "direct")


def test_unquoted_speech_runs_to_the_end_of_the_paragraph():
    text = f"मंत्री सतीश कुमार ने कहा, {CONTENT}। लोगों को अब घूमकर नहीं जाना होगा।\nदूसरी खबर यहां है।"
    c = said(text)
    assert c.content == f"{CONTENT}। लोगों को अब घूमकर नहीं जाना होगा"
    assert c.speaker == "सतीश कुमार"


def test_unquoted_speech_stops_at_the_next_attribution():
    text = f"मंत्री सतीश कुमार ने कहा, {CONTENT}। उन्होंने बताया कि काम पूरा हो गया है।"
    first, second = extract(text, lang="hi")
    assert first.content == CONTENT
    assert second.content == "काम पूरा हो गया है"
    assert second.speaker == "सतीश कुमार"


def test_quote_never_closed_runs_to_its_paragraph_end():
    c = said(f"अनिल मेहता ने कहा, “{CONTENT}। काम तेजी से चल रहा है\nदूसरी खबर")
    assert c.content == f"{CONTENT}। काम तेजी से चल रहा है"
    assert "unclosed_quote" in c.flags


def test_headline_ending_in_its_speaker():
    text = f"{CONTENT}: मेहता\nजिले के जिलाधिकारी अनिल मेहता ने बुधवार को पुल देखा।"
    c = said(text)
    assert (c.speaker, c.content, c.cue) == ("अनिल मेहता", CONTENT, ":")


# ---------------------------------------------------------------- Unicode as it arrives
ZWJ, ZWNJ, SHY = "\u200d", "\u200c", "\u00ad"


@pytest.mark.parametrize("noise", [ZWJ, ZWNJ, SHY])
def test_invisible_characters_inside_cue_words(noise):
    text = f"डॉक्{noise}टर ने कहा है क{noise}ि {CONTENT}।"
    c = said(text)
    assert c.content == CONTENT
    assert text[c.content_start : c.content_end] == c.content
    assert text[c.cue_start : c.cue_end] == c.cue
    assert text[c.speaker_start : c.speaker_end] == c.speaker_mention == f"डॉक्{noise}टर"


def test_nukta_and_chandrabindu_variants_match_one_cue():
    precomposed = "\u095b"  # ज़ as one code point
    for text in (f"मंत्री अनिल ने ज़ोर देकर कहा कि {CONTENT}।", f"मंत्री अनिल ने {precomposed}ोर दिया कि {CONTENT}।"):
        c = said(text)
        assert text[c.content_start : c.content_end] == c.content == CONTENT
    c = said(f"मंत्री अनिल ने कहा कि हाँ, {CONTENT}।")
    assert c.content == f"हाँ, {CONTENT}"


def test_folding_maps_offsets_back():
    f = fold(f"क{ZWJ}ि\u095b")
    assert f.text == "किज"
    assert f.span(0, 2) == (0, 3)
    assert f.surface(2, 3) == "\u095b"


def test_half_letter_spellings_are_one_person():
    text = f"प्रधानमंत्री नरेन्द्र मोदी ने बैठक की। नरेंद्र मोदी ने कहा कि {CONTENT}।"
    ex = extract_article(text, lang="hi")
    assert len([s for s in ex.speakers if s.type == "person"]) == 1


# ---------------------------------------------------------------- stories and persons
def test_a_new_story_does_not_inherit_the_speaker():
    text = (
        "पुल पर काम तेज\nपटना, जागरण संवाददाता । मंत्री सतीश कुमार ने पुल का दौरा किया। "
        f"उन्होंने कहा कि {CONTENT}।\n\n"
        "बाजार में भीड़\nकानपुर, जेएनएन । शहर के बाजार आज खुले रहे। उन्होंने कहा कि दुकानें शाम तक खुलेंगी।"
    )
    first, second = extract(text, lang="hi")
    assert first.speaker == "सतीश कुमार"
    assert second.speaker == ""
    assert "unresolved_speaker" in second.flags


def test_person_introduced_without_speech_is_an_antecedent():
    text = f"मुख्यमंत्री भूपेश बघेल ने अधिकारियों को आदेश दिया है। उन्होंने साफ कहा है कि {CONTENT}।"
    assert said(text).speaker == "भूपेश बघेल"


def test_role_resolves_only_to_who_held_it():
    text = (
        "रक्षा मंत्री राजनाथ सिंह ने सेना की तैयारी देखी। "
        f"कर्नाटक के स्वास्थ्य मंत्री ने कहा कि {CONTENT}।"
    )
    c = said(text)
    assert c.speaker != "राजनाथ सिंह"
    assert "स्वास्थ्य मंत्री" in c.speaker
    text = f"रक्षा मंत्री राजनाथ सिंह ने सेना की तैयारी देखी। मंत्री ने कहा कि {CONTENT}।"
    assert said(text).speaker == "राजनाथ सिंह"


def test_indefinite_phrase_is_someone_new():
    text = f"एक अन्य मजदूर, अब्दुल रहमान ने कहा कि काम नहीं है। एक मजदूर ने कहा कि {CONTENT}।"
    first, second = extract(text, lang="hi")
    assert first.speaker == "अब्दुल रहमान"
    assert second.speaker == "एक मजदूर"


def test_speaker_phrase_takes_no_neighbouring_words():
    """The words before a speaker are not part of it: "विभाग से मिली जानकारी के अनुसार" has the
    department as its source, and "प्रमुख सचिव स्वास्थ्य X" names X."""
    c = said(f"विभाग से मिली जानकारी के अनुसार {CONTENT}।")
    assert (c.speaker, c.source) == ("विभाग", "विभाग से मिली जानकारी")
    assert extract(f"मिली जानकारी के अनुसार {CONTENT}।", lang="hi") == []  # hearsay
    c = said(f"प्रमुख सचिव स्वास्थ्य अमित मोहन प्रसाद ने बताया कि {CONTENT}।")
    assert c.speaker == "अमित मोहन प्रसाद"


def test_a_cue_word_inside_a_name_does_not_hide_the_cue():
    c = said(f"“{CONTENT}।” श्री नित्यानन्द राय ने कहा।")
    assert (c.speaker, c.cue, c.kind) == ("नित्यानन्द राय", "कहा", "direct")


@pytest.mark.parametrize("tie", ["की ओर से जारी", "द्वारा जारी"])
def test_document_issued_through_a_compound_postposition(tie):
    assert said(f"स्वास्थ्य मंत्रालय {tie} आंकड़ों के मुताबिक {CONTENT}।").speaker == "स्वास्थ्य मंत्रालय"


def test_according_to_a_rule_is_no_source():
    assert extract(f"हालात के मुताबिक {CONTENT}।", lang="hi") == []
    assert said(f"चिकित्सकों के अनुसार {CONTENT}।").speaker == "चिकित्सकों"


@pytest.mark.parametrize("mark", [":", " -", " –"])
def test_headline_ending_in_an_organisation(mark):
    c = said(f"{CONTENT}{mark} स्वास्थ्य मंत्रालय\nनई दिल्ली। मामले बढ़ रहे हैं।")
    assert (c.speaker, c.content) == ("स्वास्थ्य मंत्रालय", CONTENT)


def test_a_list_line_with_a_phone_number_is_no_headline():
    assert extract("मोती बाजार क्षेत्र - डा. वासुदेव डंग 01352654305\nराजपुर रोड क्षेत्र - कुमार स्टोर 9837034784", lang="hi") == []


def test_bare_speech_after_a_speech_verb():
    text = f"मुख्यमंत्री उद्धव ठाकरे ने विधानसभा में बैठक बुलाई। सीएम ने कहा {CONTENT}। सड़क भी बनेगी।\nअगली खबर।"
    c = extract(text, lang="hi")[-1]
    assert c.content == f"{CONTENT}। सड़क भी बनेगी"
    assert c.speaker == "उद्धव ठाकरे"
    c = said(f"अधिकारी अनिल मेहता ने बताया की {CONTENT}।")  # "की" written for "कि"
    assert c.content == CONTENT


@pytest.mark.parametrize(
    "text",
    [
        "अभिनेत्री सना खान ने कही ऐसी बात, लोग हैरान रह गए।",  # the verb's object
        "मंत्री ने कंपनियों से सामान मंगाने के लिए कहा तथा दोषियों को सजा देने की बात कही।",
        "विशेषज्ञों के बताए कदमों को लागू किए बिना सर्दी भयानक होगी।",  # a participle
        "जिस डॉक्टर ने सबसे पहले बताया उसे सजा मिली और लोग नाराज हुए।",  # a relative clause
    ],
)
def test_no_bare_speech(text):
    assert extract(text, lang="hi") == []


def test_headline_role_is_the_person_named_below():
    text = f"{CONTENT}: भारतीय शोधकर्ता\nनई दिल्ली। भारतीय शोधकर्ता गगनदीप कांग ने कहा कि जांच तेज होगी।"
    first, second = extract(text, lang="hi")
    assert first.speaker == second.speaker == "गगनदीप कांग"
