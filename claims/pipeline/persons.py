"""Every person the article names, whether or not they speak, so that a later surname, pronoun or
role noun resolves to the fullest form."""

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
