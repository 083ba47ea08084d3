"""Postposition frames: "According to X, …", "…, according to X." and "X के मुताबिक, …"."""

from __future__ import annotations

from claims.lang import Cue
from claims.pipeline.cues import CueMatch, phrase_pattern
from claims.pipeline.frames.base import WINDOW, Doc, Raw, cue_flags, issuer, kind_of, trim, word_count
from claims.pipeline.mentions import Mention, analyse, left_np, right_np


def according_frames(doc: Doc) -> list[Raw]:
    """ "According to X, …", "…, according to X." and "X के मुताबिक, …"."""
    pack, text = doc.pack, doc.text
    out: list[Raw] = []
    # "उनके अनुसार": a pronoun in the genitive fuses with the postposition's "के"
    genitive = tuple(pack.g("genitive_markers"))
    fused = tuple(f"{p} {w}" for p in pack.pronouns if p.endswith(genitive) for w in pack.according_pronoun)
    for before, phrases in ((True, pack.according_before), (False, pack.according_after + fused)):
        pat = phrase_pattern(tuple(phrases), ignore_case=not pack.verb_final)
        if pat is None or (pack.verb_final and not any(_last_word(p) in text for p in phrases)):
            continue  # a substring test first: most articles hold none of a short list's words
        for mt in pat.finditer(text):
            source = ""
            si = doc.sent_at(mt.start())
            sent, toks = doc.sents[si], doc.toks[si]
            cue = CueMatch(mt.start(), mt.end(), _ACCORDING)
            if "मानना" in mt.group() or "माने" in mt.group():
                cue = CueMatch(mt.start(), mt.end(), _ACCORDING_MENTAL)
            if before:  # English: the speaker follows the phrase
                np = right_np(pack, text, toks, doc.tok_index(si, mt.end()))
                if not np:
                    continue
                # after "according to" any noun phrase is a source: "the city's own figures"
                m = analyse(pack, text, np, -1) or Mention(
                    np[0].start, np[-1].end, text[np[0].start : np[-1].end], "role", head=np[-1].text.lower()
                )
                lead = text[sent.start : mt.start()].strip(' ,"“')
                if not lead or lead.lower() in ("but", "and", "yet"):
                    rest = text[np[-1].end : min(sent.end, np[-1].end + WINDOW)]
                    cut = rest.find(",")
                    if cut < 0:
                        continue
                    a, b = trim(text, np[-1].end + cut + 1, sent.end)
                else:
                    a, b = trim(text, sent.start, mt.start())
            else:  # Hindi: the speaker precedes the postposition ("X के अनुसार", "उनके मुताबिक")
                ci = doc.tok_index(si, mt.start())
                first = toks[ci] if ci < len(toks) else None
                if first is not None and first.text in pack.pronouns and first.start == mt.start():
                    m = analyse(pack, text, [first], sent.start)
                else:
                    m = analyse(pack, text, left_np(pack, text, toks, ci - 1), sent.start)
                if not m or m.kind == "relative":
                    continue
                if m.head in pack.according_not_sources or (
                    m.kind == "group" and " " not in m.text.strip() and m.head not in pack.role_plurals
                ):
                    continue  # "हालात के मुताबिक", "नियम के अनुसार": as a rule has it, nobody says it
                if m.kind == "document" and (owner := issuer(doc, si, m)) is not None:
                    m, source = owner
                elif m.head in pack.g("information_nouns"):
                    # "विभाग से मिली जानकारी के अनुसार": the department; with nobody named, hearsay
                    owner = issuer(doc, si, m, pack.g("source_markers"))
                    if owner is None:
                        continue
                    m, source = owner
                a, b = trim(text, mt.end(), sent.end)
            if word_count(doc, a, b) >= 3:
                out.append(Raw((a, b), cue, m, kind_of(doc, a, b), si, cue_flags(cue), source))
    return out


def _last_word(phrase: str) -> str:
    return phrase.rsplit(" ", 1)[-1]


_ACCORDING = Cue(phrase="according to", forms=())
_ACCORDING_MENTAL = Cue(phrase="का मानना है", forms=(), cls="mental")
