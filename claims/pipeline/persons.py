"""Every person the article names, whether or not they speak, so that a later surname, pronoun or
role noun resolves to the fullest form.

- :func:`name_mentions`: agents of any verb ("X ने … आदेश दिया") in verb-final packs, runs of
  capitalised words elsewhere;
- :func:`titled_names`: names after a title or role noun ("मुख्यमंत्री भूपेश बघेल की योजना"),
  people introduced without being the subject of anything.
"""

from __future__ import annotations

from functools import cache

import regex

from claims.pipeline.cues import _E, WordPattern, _alt
from claims.pipeline.frames.base import Doc
from claims.pipeline.frames.verb_final import role_segments
from claims.pipeline.mentions import Mention, analyse, left_np
from claims.pipeline.text import tokens

_CAPITAL_RUN = regex.compile(r"\p{Lu}[\p{L}\p{M}'’.-]*(?:[^\S\n]+\p{Lu}[\p{L}\p{M}'’.-]*)+")  # never across a line


def name_mentions(doc: Doc) -> list[Mention]:
    """Person names of the article whether or not they speak, so that a later surname resolves
    to the fullest form: agents ("X ने") in verb-final packs, runs of capitalised words elsewhere."""
    pack, text = doc.pack, doc.text
    out = []
    if pack.verb_final:
        for marker in pack.g("agent_markers"):
            pos = text.find(f" {marker} ")
            while pos >= 0:
                si = doc.sent_at(pos)
                toks = doc.toks[si]
                j = doc.tok_index(si, pos + 1)
                m = analyse(pack, text, left_np(pack, text, toks, j - 1), doc.sents[si].start)
                if m and m.kind in ("name", "organization"):
                    role_segments(doc, si, m)
                    out.append(m)
                pos = text.find(f" {marker} ", pos + 1)
        return out
    for run in _CAPITAL_RUN.finditer(text):
        toks = tokens(text, run.start(), run.end())
        m = analyse(pack, text, toks, -1) if len(toks) >= 2 else None
        if m and m.kind == "name" and len(m.name_tokens) >= 2:
            out.append(m)
    return out


@cache
def _titled_pattern(code: str) -> WordPattern | None:
    """A title or role noun, one to three words, and a postposition that follows people ("का",
    "से"; not "में", which follows places: "हर्षवर्धन दिल्ली में")."""
    from claims.lang import load

    pack = load(code)
    heads = sorted(pack.titles | pack.roles)
    ends = sorted(pack.g("person_postpositions"))
    if not heads or not ends:
        return None
    word = r"[^\s,।॥.!?:;\"“”'‘’()\[\]]+"
    return WordPattern(rf"(?P<head>{_alt(heads)})(?P<name>(?:[ \t]+{word}){{1,3}}?)[ \t]+(?:{_alt(ends)}){_E}")


def titled_names(doc: Doc) -> list[Mention]:
    """Names that follow a title or role noun and end before a postposition or particle
    ("कांग्रेस अध्यक्ष सोनिया गांधी से", "डॉ. पॉल के"), in verb-final packs, where names have no
    capital letters to be found by. Agents ("X ने") are left to :func:`name_mentions`.

    Read from the raw text with one pattern: tokenising every sentence to look for them cost
    more than the rest of the extraction of a sentence without a cue."""
    pack, text = doc.pack, doc.text
    pattern = _titled_pattern(pack.code) if pack.verb_final else None
    if pattern is None:
        return []
    out = []
    for mt in pattern.finditer(text):
        names = tokens(text, mt.start("name"), mt.end("name"))
        if not names or not all(_name_word(pack, t.text) for t in names):
            continue
        before = tokens(text, max(doc.sents[doc.sent_at(mt.start())].start, mt.start() - 60), mt.start())
        k = len(before)
        while k > 0 and (before[k - 1].text in pack.titles or before[k - 1].text in pack.roles):
            k -= 1
        np = before[k:] + tokens(text, mt.start("head"), mt.end("head")) + names
        m = analyse(pack, text, np, -1)
        if m and m.kind == "name":
            out.append(m)
    return out


@cache
def _surname_pattern(code: str) -> WordPattern | None:
    from claims.lang import load

    surnames = load(code).surnames
    return WordPattern(f"(?:{_alt(sorted(surnames))})" + _E) if surnames else None


SUBJECT_REACH = 6  # words before the surname, at most, for the name to open its sentence


def sentence_subjects(doc: Doc) -> list[Mention]:
    """People a sentence opens with, named by a known surname ("भागलपुर के विकास कुमार पेंटिंग
    का काम करते हैं", "आशा कुसुम देवी घर-घर गईं"): the sentence is about them, so a pronoun
    after it ("इनका कहना है") may refer to them. Verb-final packs with a surname list only."""
    pack, text = doc.pack, doc.text
    pattern = _surname_pattern(pack.code) if pack.verb_final else None
    if pattern is None:
        return []
    out = []
    for mt in pattern.finditer(text):
        sent = doc.sents[doc.sent_at(mt.start())]
        head = tokens(text, sent.start, mt.end())
        if len(head) > SUBJECT_REACH or len(head) < 2:
            continue
        nxt = text[mt.end() : mt.end() + 30].split()[:1]
        if nxt and nxt[0] in pack.surnames:
            continue  # "अरविंद प्रसाद चंद्रवंशी": the name ends at the last surname of the run
        k = len(head) - 1
        while k > 0 and len(head) - k <= 3 and _name_word(pack, head[k - 1].text):
            k -= 1
        if k == len(head) - 1:
            continue  # a surname alone is no name to open with ("कुमार ने …" is read as an agent)
        before = [t.text for t in head[:k]]
        # nothing but a place in the genitive or a role before the name: "पटना के", "आशा"
        if before and not (before[-1] in pack.g("genitive_markers") or all(w in pack.roles for w in before)):
            continue
        if nxt and (nxt[0] in pack.g("agent_markers") or nxt[0] in pack.g("postpositions")):
            continue  # an agent (read by name_mentions) or an object ("मोदी को लिखे पत्र में")
        m = analyse(pack, text, head[k:], -1)
        if m and m.kind == "name":
            out.append(m)
    return out


def _name_word(pack, w: str) -> bool:
    return not (
        w in pack.stop or w in pack.roles or w in pack.titles or w in pack.organizations or w.isdigit()
    ) and not any(w in pack.g(k) for k in ("postpositions", "conjunctions", "finite_verbs", "agent_markers"))
