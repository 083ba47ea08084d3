"""Hindi constructions and traps, one example each."""

from __future__ import annotations

import pytest

from claims import extract, extract_article


def one(text: str):
    claims = extract(text, lang="hi")
    assert len(claims) == 1, [(c.speaker, c.cue, c.content) for c in claims]
    return claims[0]


def test_ne_kaha_ki():
    c = one("मंगलवार को स्वास्थ्य मंत्री हर्षवर्धन ने कहा कि टीके अगले महीने तक आ जाएंगे।")
    assert (c.speaker, c.cue, c.kind) == ("हर्षवर्धन", "कहा", "indirect")
    assert c.content == "टीके अगले महीने तक आ जाएंगे"
    assert c.date == "मंगलवार"
    assert "मंत्री" in c.speaker_role


@pytest.mark.parametrize("open_, close", [("“", "”"), ('"', '"')])
def test_ne_kaha_then_quote(open_, close):
    c = one(f"प्रियंका गांधी ने कहा, {open_}हम हर गांव तक जाएंगे और लोगों की बात सुनेंगे।{close}")
    assert c.speaker == "प्रियंका गांधी"
    assert c.kind == "direct"
    assert c.content == "हम हर गांव तक जाएंगे और लोगों की बात सुनेंगे"


@pytest.mark.parametrize("open_, close", [("“", "”"), ('"', '"')])
def test_quote_then_speaker(open_, close):
    c = one(f"{open_}सरकार किसानों के साथ खड़ी है{close} कृषि मंत्री नरेंद्र तोमर ने कहा।")
    assert c.speaker == "नरेंद्र तोमर"
    assert c.kind == "direct"
    assert c.content == "सरकार किसानों के साथ खड़ी है"


def test_quote_line_then_dash_speaker():
    text = "राज्य सचिव अमित शर्मा ने बैठक बुलाई।\nहम सब मिलकर काम करेंगे\n- शर्मा ने कहा।"
    c = one(text)
    assert c.content == "हम सब मिलकर काम करेंगे"
    assert c.kind == "direct"
    assert c.speaker == "अमित शर्मा"


@pytest.mark.parametrize("post", ["के मुताबिक", "के अनुसार"])
def test_ke_mutabik(post):
    c = one(f"पुलिस अधीक्षक राकेश सिंह {post}, आरोपी को गिरफ्तार कर लिया गया है।")
    assert c.speaker == "राकेश सिंह"
    assert c.content == "आरोपी को गिरफ्तार कर लिया गया है"


def test_ka_kahna_hai():
    c = one("विशेषज्ञ डॉ. रणदीप गुलेरिया का कहना है कि मास्क पहनना जरूरी है।")
    assert c.speaker == "रणदीप गुलेरिया"
    assert c.cue == "कहना है"
    assert c.content == "मास्क पहनना जरूरी है"


@pytest.mark.parametrize(
    "cue",
    [
        "दावा किया",
        "आरोप लगाया",
        "चेतावनी दी",
        "इनकार किया",
        "सूचित किया",
        "उल्लेख किया",
        "निर्दिष्ट किया",
        "ध्यान आकर्षित किया",
    ],
)
def test_compound_cues_with_ki(cue):
    c = one(f"विपक्ष के नेता राहुल गांधी ने {cue} कि सरकार ने आंकड़े छिपाए हैं।")
    assert c.cue == cue
    assert c.speaker == "राहुल गांधी"
    assert c.content == "सरकार ने आंकड़े छिपाए हैं"


def test_object_cue_gratitude():
    c = one("रूसी कमांडर ने सहायता के लिए कजाख पक्ष का आभार व्यक्त किया।")
    assert c.cue == "आभार व्यक्त किया"
    assert c.content == "सहायता के लिए कजाख पक्ष"


def test_passive_report_is_document():
    c = one("रिपोर्ट में कहा गया है कि देश में बेरोजगारी बढ़ी है।")
    assert (c.speaker, c.speaker_type) == ("रिपोर्ट", "document")
    assert c.content == "देश में बेरोजगारी बढ़ी है"


def test_passive_collective_speaker():
    c = one("इसके अलावा, पश्चिम में नाम दिया गया है उग्रवादियों के बारे में बयान एक आविष्कार है।")
    assert (c.speaker, c.speaker_type) == ("पश्चिम", "group")


def test_unnamed_sources():
    c = one("सूत्रों ने बताया कि बैठक कल होगी।")
    assert c.speaker_type == "anonymous"
    assert c.content == "बैठक कल होगी"


def test_latin_name_in_devanagari_and_mt_word_order():
    c = one("ध्यान दें कि 7 जनवरी को Tokayev सूचित किया जनता कि दंगों में बाहरी लोग शामिल थे।")
    assert c.speaker == "Tokayev"
    assert c.content == "दंगों में बाहरी लोग शामिल थे"
    assert c.date == "7 जनवरी"


def test_bbc_full_stops_without_space():
    text = "मंत्री राम प्रसाद ने कहा कि सड़क बनेगी.उन्होंने कहा कि पुल भी बनेगा."
    claims = extract(text, lang="hi")
    assert [c.content for c in claims] == ["सड़क बनेगी", "पुल भी बनेगा"]
    assert {c.speaker for c in claims} == {"राम प्रसाद"}


def test_pronoun_resolves_to_latest_speaker():
    text = "गृह मंत्री अमित शाह ने कहा कि सीमा सुरक्षित है। उन्होंने कहा कि सेना तैयार है।"
    claims = extract(text, lang="hi")
    assert [c.speaker for c in claims] == ["अमित शाह", "अमित शाह"]
    assert claims[1].speaker_mention == "उन्होंने"


def test_role_noun_resolves_to_person_with_that_role():
    text = (
        "पार्टी के प्रवक्ता संबित पात्रा ने कहा कि चुनाव समय पर होंगे। "
        "मुख्यमंत्री ने कहा कि तैयारी पूरी है। प्रवक्ता ने बताया कि प्रचार शुरू होगा।"
    )
    claims = extract(text, lang="hi")
    assert claims[0].speaker == "संबित पात्रा"
    assert claims[2].speaker == "संबित पात्रा"
    assert claims[1].speaker == "मुख्यमंत्री"


def test_cross_script_and_variant_spellings_are_one_speaker():
    text = (
        "राष्ट्रपति कसीम-जोमार्ट टोकायव ने कहा कि स्थिति नियंत्रण में है। "
        "प्रेस सचिव बेरिक उली ने कहा कि बातचीत जारी है। "
        "बाद में Tokayev ने कहा कि सेना लौटेगी। वली ने कहा कि सब शांत है।"
    )
    ex = extract_article(text, lang="hi")
    assert [c.speaker for c in ex.claims] == ["कसीम-जोमार्ट टोकायव", "बेरिक उली", "कसीम-जोमार्ट टोकायव", "बेरिक उली"]
    assert len({c.speaker_id for c in ex.claims}) == 2
    toka = next(s for s in ex.speakers if s.name == "कसीम-जोमार्ट टोकायव")
    assert "Tokayev" in toka.aliases


def test_near_miss_names_stay_apart():
    text = "टोकायव ने कहा कि सब ठीक है। Tokarev ने कहा कि कुछ ठीक नहीं है।"
    ex = extract_article(text, lang="hi")
    assert len({c.speaker_id for c in ex.claims}) == 2


def test_setting_sentence_gives_source_and_same_day_gives_date():
    text = (
        "9 जनवरी को, मंत्री अजय कुमार ने कहा कि सेना लौटेगी। उन्होंने एक संयुक्त ब्रीफिंग के दौरान अपने बयान दिए।\n"
        "उसी दिन, प्रवक्ता सीमा राव ने एक साक्षात्कार में कहा कि बातचीत जारी है।"
    )
    claims = extract(text, lang="hi")
    assert claims[0].source == "एक संयुक्त ब्रीफिंग"
    assert claims[1].source == "एक साक्षात्कार"
    assert [c.date for c in claims] == ["9 जनवरी", "9 जनवरी"]


# ------------------------------------------------------------------ traps
@pytest.mark.parametrize(
    "text",
    [
        "यह कहानी एक गांव की है जहां लोग रहते हैं।",  # "कहानी" contains "कहा"
        "वह कहां गया किसी को नहीं पता।",  # "कहां"
        "कहा जाता है कि यह किला सबसे पुराना है।",  # no speaker
        "मंत्री को बताया गया कि पुल टूट गया है।",  # the person told is not the speaker
        "कुछ ही दिनों में उन्होंने ले लिया भयानक पैमाने, देश में अराजकता की धमकी।",  # no speech verb
        'उन्होंने "खबर 24" चैनल देखा।',  # a channel name in quotes
    ],
)
def test_traps_give_no_claim(text):
    assert extract(text, lang="hi") == []


def test_ergative_subject_of_other_verb_is_not_speaker():
    text = "करीम मासीमोव ने दूसरे दिन प्रमुख के पद से बर्खास्त कर दिया, जिस पर राजद्रोह का आरोप लगाया गया था।"
    assert all("मासीमोव" not in c.speaker for c in extract(text, lang="hi"))


def test_relative_clause_inside_claim_is_not_a_claim():
    text = (
        "मंत्री ने इस तथ्य पर ध्यान आकर्षित किया कि नागरिक जो रिश्तेदारों के साथ हैं जिन्होंने घर जाने की "
        "इच्छा व्यक्त की है, विमान से भेजे गए।"
    )
    c = one(text)
    assert c.cue == "ध्यान आकर्षित किया"
    assert "जिन्होंने" in c.content
