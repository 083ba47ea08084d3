"""Attribution frames: the shapes in which a speaker, a cue and a content stand together.

Each frame reads a :class:`Doc` and returns :class:`Raw` claims (spans only; speakers are resolved
later, in article order). Which frames apply, and with which words, comes from the language pack:
verb-final packs use the agent-marker frames ("X ने कहा कि …"), others subject–verb frames
("X said that …", "…,” said X"). One module per shape:

- ``quotes``: a quotation and the attribution next to it
- ``lines``: dash lines and speaker labels
- ``according``: "according to X", "X के अनुसार"
- ``verb_final``: "X ने कहा कि …" and its relatives
- ``subject_verb``: "X said that …" and its relatives
"""

from __future__ import annotations

import bisect

from claims.learn.cuemodel import with_model
from claims.pipeline.frames.according import according_frames
from claims.pipeline.frames.base import Doc, Raw, trim
from claims.pipeline.frames.lines import dash_frames, label_frames, trailing_label_frames
from claims.pipeline.frames.quotes import quote_frames
from claims.pipeline.frames.subject_verb import svo_frames
from claims.pipeline.frames.verb_final import verb_final_frames

__all__ = ["Doc", "Raw", "trim", "all_frames"]


def all_frames(doc: Doc) -> list[Raw]:
    """Every frame of the pack over the document, quotations first (they claim their cues)."""
    used: set[int] = set()
    if doc.pack.code == "en":  # the learned cue model decides on candidate cue words (claims.learn)
        doc.cues = with_model(doc, doc.cues)
    raws = quote_frames(doc, used)
    if doc.pack.dash_attribution:
        raws += dash_frames(doc, used)
    according = according_frames(doc)
    raws += according
    if doc.pack.label_attribution:
        raws += label_frames(doc)
    if doc.pack.trailing_label:
        raws += trailing_label_frames(doc)
    raws += verb_final_frames(doc, used) if doc.pack.verb_final else svo_frames(doc, used)
    return _intermediaries(doc, raws, according) if doc.pack.verb_final else raws


def _intermediaries(doc: Doc, raws: list[Raw], according: list[Raw]) -> list[Raw]:
    """ "सूत्रों के अनुसार प्रधानमंत्री ने कहा कि …", "एजेंसी के मुताबिक डॉ. पॉल ने कहा, …": the
    agency or the sources only pass on what the speaker said. The speaker's own claim stays, with
    the intermediary as its source; the intermediary's claim over the same words goes."""
    if not according:
        return raws
    cues = sorted((r.cue_range[0], id(r), r) for r in raws if not any(r is a for a in according))
    starts = [c[0] for c in cues]
    dropped: set[int] = set()
    for a in according:
        first_end = doc.sents[doc.sent_at(a.content[0])].end
        i = bisect.bisect_left(starts, a.content[0])
        if i < len(cues) and starts[i] < min(first_end, a.content[1]):
            inner = cues[i][2]
            if a.mention is not None and not inner.source:
                inner.source = doc.text[a.mention.start : a.cue_range[1]]
            dropped.add(id(a))
    return [r for r in raws if id(r) not in dropped]
