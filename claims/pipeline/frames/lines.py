"""Attribution by the line: a dash line under a quotation ("- वली का सुझाव दिया।") and a speaker's
label before a colon ("Pence: …" headlines, "PENCE: …" transcripts)."""

from __future__ import annotations

import dataclasses

import regex

from claims.lang import Cue
from claims.pipeline.cues import CueMatch
from claims.pipeline.frames.base import DASHES, Doc, Raw, cue_flags, first_cue_after, kind_of, trim, word_count
from claims.pipeline.mentions import Mention, analyse, left_np, right_np
from claims.pipeline.text import Token, tokens


def dash_frames(doc: Doc, used: set[int]) -> list[Raw]:
    """A line of speech followed by "- X ने कहा।" / "- वली का सुझाव दिया।"."""
    pack, text = doc.pack, doc.text
    out: list[Raw] = []
    for p, (ps, pe) in enumerate(doc.paras):
        if p == 0 or text[ps] not in DASHES:
            continue
        lo = first_cue_after(doc, ps)
        for n in range(lo, len(doc.cues)):
            cue = doc.cues[n]
            if cue.start >= pe:
                break
            if n in used:
                continue
            if word_count(doc, cue.end, pe) >= 3:
                break  # "- उन्होंने कहा कि …": a list item with its own content, not a signature
            si = doc.sent_at(cue.start)
            toks = doc.toks[si]
            ci = doc.tok_index(si, cue.start)
            end = ci - 1
            if end >= 0 and toks[end].text in pack.g("agent_markers") | pack.g("genitive_markers"):
                end -= 1
            np = left_np(pack, text, toks, end)
            if not np or tokens(text, ps, np[0].start):
                continue
            m = analyse(pack, text, np, doc.sents[si].start)
            if not m or m.kind == "relative":
                continue
            a, b = trim(text, *doc.paras[p - 1])
            if word_count(doc, a, b) < 2:
                continue
            used.add(n)
            out.append(Raw((a, b), cue, m, "direct", doc.sent_at(a), cue_flags(cue)))
            break
    return out


_LABEL = regex.compile(r"[\"“]?(?P<label>\p{L}[^:\n]{0,48}?)(?P<colon>:)[ \t]+")
_LABEL_CUE = Cue(phrase=":", forms=())


_AFTER_CAPITAL = regex.compile(r"\p{Lu}[\p{L}.'’-]*[ \t]+([\p{L}.'’-]+)")


def _second_names(text: str) -> set[str]:
    """Every word that follows a capitalised word ("Mike Pence" gives "Pence"), with its forms cut
    before a non-letter ("O'Brien." gives "O'Brien.", "O'Brien" and "O"): one pass over the text,
    so that a transcript of many labelled lines stays linear."""
    out: set[str] = set()
    for mt in _AFTER_CAPITAL.finditer(text, overlapped=True):
        word = mt.group(1)
        out.add(word)
        out.update(word[:i] for i, ch in enumerate(word) if i and not ch.isalpha())
    return out


def _named_in_full(m: Mention, second_names: set[str]) -> bool:
    """Whether a label's name is a person's: given in full ("Rush Limbaugh:"), or its surname
    follows a first name somewhere in the article ("Pence:" … "Mike Pence"); "Brexit:" is not."""
    if len(m.name_tokens) >= 2:
        return True
    return bool(m.name_tokens) and m.name_tokens[-1].title() in second_names


def label_frames(doc: Doc) -> list[Raw]:
    """A speaker's label and a colon opening a line: the headline "Pence: Gennifer Flowers Won’t
    Be at Debate" (the first line only) and transcript lines "PENCE: Well, look, …"."""
    pack, text = doc.pack, doc.text
    out: list[Raw] = []
    second_names: set[str] | None = None  # read from the text once, when a label first needs it
    for p, (ps, pe) in enumerate(doc.paras):
        mt = _LABEL.match(text, ps, pe)
        if not mt:
            continue
        label = mt.group("label")
        transcript = label.isupper() and len(label.split()) <= 3
        if not (p == 0 or transcript) or label.strip().lower() in pack.g("not_speaker_labels"):
            continue
        si = doc.sent_at(mt.start("label"))
        toks = [t for t in doc.toks[si] if mt.start("label") <= t.start and t.end <= mt.end("label")]
        np = right_np(pack, text, toks, 0, limit=6) if toks else []
        if not np or np[-1].end != mt.end("label"):
            continue
        if transcript:  # "PENCE": read as the name it is
            np = [Token(t.text.title(), t.start, t.end) for t in np]
        m = analyse(pack, text, np, mt.start("label"))  # a one-word label is read as at a sentence start
        if not m or m.kind in ("pronoun", "relative", "author"):
            continue
        if m.kind == "name":
            second_names = _second_names(text) if second_names is None else second_names
            if not _named_in_full(m, second_names):
                continue
        if transcript:
            m = dataclasses.replace(m, name=m.name.title())
        a, b = trim(text, mt.end(), pe)
        if word_count(doc, a, b) >= 3:
            out.append(Raw((a, b), CueMatch(mt.start("colon"), mt.end("colon"), _LABEL_CUE), m, "direct", si))
    return out


# ": राहुल" or " - स्वास्थ्य मंत्रालय" closing a headline (a dash needs spaces: "कोविड-19" is a word)
_TRAILING = regex.compile(
    r"(?:(?<!\d)(?P<colon>:)|[ \t](?P<colon>[-–—])[ \t])[ \t]*(?P<label>\p{L}[^:\n\d-]{0,40}?)[ \t]*$", regex.M
)


def trailing_label_frames(doc: Doc) -> list[Raw]:
    """A headline that ends with its speaker after a colon: "लॉकडाउन से करोड़ों को तकलीफ: राहुल",
    "… जीत रहे जंग: भारतीय शोधकर्ता". The label counts when it is a role, an organisation, or a
    name the article makes the subject of a verb elsewhere ("राहुल ने …"); "कोरोना अपडेट: दिल्ली"
    names a place, which never speaks."""
    pack, text = doc.pack, doc.text
    out: list[Raw] = []
    for ps, pe in doc.paras:
        if pe - ps > 240:
            continue  # a headline, not a paragraph of the story
        mt = _TRAILING.search(text, ps, pe)
        if not mt or mt.end() != pe:
            continue
        label = tokens(text, mt.start("label"), mt.end("label"))
        if not label or len(label) > 4:
            continue
        m = analyse(pack, text, label, -1)
        if m is None or m.kind not in ("name", "organization", "role", "group", "anonymous"):
            continue
        if m.kind == "name" and not _agent_elsewhere(doc, label[-1].text):
            continue
        if any(t.text in pack.g("postpositions") or t.text in pack.pronouns for t in label):
            continue  # "…: उनके अपने घरों में" is a phrase, not a speaker
        a, b = trim(text, ps, mt.start("colon"))
        if word_count(doc, a, b) >= 3:
            cue = CueMatch(mt.start("colon"), mt.end("colon"), _LABEL_CUE)
            out.append(Raw((a, b), cue, m, kind_of(doc, a, b), doc.sent_at(a)))
    return out


def _agent_elsewhere(doc: Doc, word: str) -> bool:
    """Whether ``word`` is the last word of an agent somewhere in the article ("राहुल ने")."""
    return any(f"{word} {mk}" in doc.text for mk in doc.pack.g("agent_markers"))
