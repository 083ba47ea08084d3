"""Every person the article names, whether or not they speak, so that a later surname, pronoun or
role noun resolves to the fullest form.

- :func:`name_mentions`: agents of any verb ("X ने … आदेश दिया") in verb-final packs, runs of
  capitalised words elsewhere;
- :func:`titled_names`: names after a title or role noun ("मुख्यमंत्री भूपेश बघेल की योजना"),
  people introduced without being the subject of anything.
"""

from __future__ import annotations

import regex

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
                if m and m.kind == "name":
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


def titled_names(doc: Doc) -> list[Mention]:
    """Names that follow a title or role noun and end before a postposition or particle
    ("कांग्रेस अध्यक्ष सोनिया गांधी से", "डॉ. पॉल के"), in verb-final packs, where names have no
    capital letters to be found by."""
    pack, text = doc.pack, doc.text
    if not pack.verb_final:
        return []
    out = []
    boundary = pack.g("postpositions") | pack.g("agent_markers") | pack.g("conjunctions")
    for si in range(len(doc.sents)):
        toks = doc.toks[si]
        for i, t in enumerate(toks):
            if not (t.text in pack.titles or t.text in pack.roles) or i + 1 >= len(toks):
                continue
            k = i + 1
            while k < len(toks) and k - i <= 3 and _name_word(pack, toks[k].text):
                k += 1
            if k == i + 1 or k >= len(toks) or toks[k].text not in boundary or toks[k].text in pack.g("agent_markers"):
                continue  # agents are read by name_mentions
            if any(ch in text[toks[i].end : toks[k - 1].end] for ch in ",।\n\"“”'‘’()"):
                continue
            start = i
            while start > 0 and (toks[start - 1].text in pack.titles or toks[start - 1].text in pack.roles):
                start -= 1
            m = analyse(pack, text, toks[start:k], doc.sents[si].start)
            if m and m.kind == "name":
                out.append(m)
    return out


def _name_word(pack, w: str) -> bool:
    return not (
        w in pack.stop or w in pack.roles or w in pack.titles or w in pack.organizations or w.isdigit()
    ) and not any(w in pack.g(k) for k in ("postpositions", "conjunctions", "finite_verbs", "agent_markers"))
