"""Every person the article names, whether or not they speak, so that a later surname, pronoun or
role noun resolves to the fullest form.

- :func:`name_mentions`: agents of any verb ("X ने … आदेश दिया") in verb-final packs, runs of
  capitalised words elsewhere;
- :func:`titled_names`: names after a title or role noun ("मुख्यमंत्री भूपेश बघेल की योजना"),
  people introduced without being the subject of anything.
"""

from __future__ import annotations

import re
from functools import cache

import regex

from claims.lang import Pack
from claims.pipeline.cues import _E, WordPattern, _alt, first_words
from claims.pipeline.frames.base import Doc
from claims.pipeline.frames.verb_final import agent_before
from claims.pipeline.mentions import Mention, analyse
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
                j = doc.tok_index(si, pos + 1)
                m = agent_before(doc, si, j) if j < len(doc.toks[si]) else None
                if m and m.kind in ("name", "organization"):
                    out.append(m)
                pos = text.find(f" {marker} ", pos + 1)
        return out
    for run in _CAPITAL_RUN.finditer(text):
        toks = doc.tokens_between(run.start(), run.end())
        m = analyse(pack, text, toks, -1) if len(toks) >= 2 else None
        if m and m.kind == "name" and len(m.name_tokens) >= 2:
            out.append(m)
    return out


@cache
def _titled_patterns(code: str) -> tuple[WordPattern, re.Pattern] | None:
    """A title or role noun, then (matched from its end) one to three words and a postposition
    that follows people ("का", "से"; not "में", which follows places: "हर्षवर्धन दिल्ली में").
    Two patterns: the literal heads are found with one fast trie scan, and only after each head
    is the rest tried."""
    from claims.lang import load

    pack = load(code)
    heads = sorted(pack.titles | pack.roles)
    ends = sorted(pack.g("person_postpositions"))
    if not heads or not ends:
        return None
    word = r"[^\s,।॥.!?:;\"“”'‘’()\[\]]+"
    tail = re.compile(rf"(?P<name>(?:[ \t]+{word}){{1,3}}?)[ \t]+(?:{_alt(ends)}){_E}")
    return WordPattern(f"(?:{_alt(heads)})" + _E, heads=first_words(heads)), tail


def titled_names(doc: Doc) -> list[Mention]:
    """Names that follow a title or role noun and end before a postposition or particle
    ("कांग्रेस अध्यक्ष सोनिया गांधी से", "डॉ. पॉल के"), in verb-final packs, where names have no
    capital letters to be found by. Agents ("X ने") are left to :func:`name_mentions`.

    Read from the raw text: tokenising every sentence to look for them cost more than the rest
    of the extraction of a sentence without a cue."""
    pack, text = doc.pack, doc.text
    patterns = _titled_patterns(pack.code) if pack.verb_final else None
    if patterns is None:
        return []
    heads, tail = patterns
    out = []
    for h in heads.finditer(text):
        mt = tail.match(text, h.end())
        if mt is None or not all(_name_word(pack, w) for w in mt.group("name").split()):
            continue  # most heads: a role noun followed by ordinary words
        names = tokens(text, mt.start("name"), mt.end("name"))
        if not names or not all(_name_word(pack, t.text) for t in names):
            continue
        before = tokens(text, max(doc.sents[doc.sent_at(h.start())].start, h.start() - 60), h.start())
        k = len(before)
        while k > 0 and (before[k - 1].text in pack.titles or before[k - 1].text in pack.roles):
            k -= 1
        np = before[k:] + tokens(text, h.start(), h.end()) + names
        m = analyse(pack, text, np, -1)
        if m and m.kind == "name":
            out.append(m)
    return out


SUBJECT_REACH = 6  # words before the surname, at most, for the name to open its sentence


def sentence_subjects(doc: Doc) -> list[Mention]:
    """People a sentence opens with, named by a known surname ("भागलपुर के विकास कुमार पेंटिंग
    का काम करते हैं", "आशा कुसुम देवी घर-घर गईं"): the sentence is about them, so a pronoun
    after it ("इनका कहना है") may refer to them. Verb-final packs with a surname list only.

    Only the first words of each sentence are looked at, as plain strings; a sentence is
    tokenised only when one of them is a surname."""
    pack, text = doc.pack, doc.text
    if not (pack.verb_final and pack.surnames):
        return []
    out = []
    for sent in doc.sents:
        words = text[sent.start : min(sent.end, sent.start + 120)].split()[: SUBJECT_REACH + 1]
        if pack.surnames.isdisjoint(words[1:]):
            continue  # no surname near the start, or a surname alone ("कुमार ने …" is an agent)
        head = tokens(text, sent.start, min(sent.end, sent.start + 120))[: SUBJECT_REACH + 1]
        end = max((i for i, t in enumerate(head) if t.text in pack.surnames), default=-1)
        if end < 1:
            continue
        k = end
        while k > 0 and end - k < 3 and _name_word(pack, head[k - 1].text):
            k -= 1
        if k == end:
            continue
        before = [t.text for t in head[:k]]
        # nothing but a place in the genitive or a role before the name: "पटना के", "आशा"
        if before and not (before[-1] in pack.g("genitive_markers") or all(w in pack.roles for w in before)):
            continue
        nxt = head[end + 1].text if end + 1 < len(head) else ""
        if nxt in pack.g("agent_markers") or nxt in pack.g("postpositions"):
            continue  # an agent (read by name_mentions) or an object ("मोदी को लिखे पत्र में")
        m = analyse(pack, text, head[k : end + 1], -1)
        if m and m.kind == "name":
            out.append(m)
    return out


def _name_word(pack: Pack, w: str) -> bool:
    return w not in _not_names(pack.code) and not w.isdigit()


@cache
def _not_names(code: str) -> frozenset[str]:
    """Words that are never part of a person's name in a pack."""
    from claims.lang import load

    pack = load(code)
    closed = ("postpositions", "conjunctions", "finite_verbs", "agent_markers", "role_qualifiers")
    return pack.stop | pack.roles | pack.titles | pack.organizations | frozenset().union(*(pack.g(k) for k in closed))
