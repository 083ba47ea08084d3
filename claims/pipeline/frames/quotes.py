"""Quotation frames: a quotation with its attribution right after it ("“…”, X said", "“…” X ने
कहा") or right before it ("X said: “…”"), and a quotation signed with a dash and a name."""

from __future__ import annotations

import bisect

import regex

from claims.lang import Cue
from claims.pipeline.cues import CueMatch
from claims.pipeline.frames.base import _SENTENCE_END, Doc, Raw, cue_flags, first_cue_after, trim, word_count
from claims.pipeline.frames.subject_verb import inverted_speaker, subject
from claims.pipeline.mentions import Mention, analyse, left_np, right_np


def _speaker_between(doc: Doc, a: int, cue: CueMatch) -> Mention | None:
    """The speaker standing between a quotation's end ``a`` and a cue after it: "” X ने कहा",
    "," X said". For subject–verb packs with nothing between, the speaker follows the cue."""
    pack, text = doc.pack, doc.text
    si = doc.sent_at(cue.start)
    toks = doc.toks[si]
    ci = doc.tok_index(si, cue.start)
    first = doc.tok_index(si, a)
    if first >= ci:  # "…,” said Smith"
        if pack.verb_final:
            return None
        return inverted_speaker(doc, si, cue)
    end = ci - 1
    if pack.verb_final:
        if cue.cue.genitive and toks[end].text not in pack.g("genitive_markers"):
            return None  # "श्री नित्यानन्द राय": a surname, not the nominal cue "X की राय"
        if toks[end].text in pack.g("agent_markers") | pack.g("genitive_markers"):
            end -= 1
    else:
        while end >= first and toks[end].text.lower() in pack.g("pre_cue"):
            end -= 1
    np = left_np(pack, text, toks, end)
    if not np or np[0].start != toks[first].start:
        if not pack.verb_final:
            # "“…,” Scott Pruitt, the attorney general of Oklahoma, said": the subject with its
            # appositive, when it starts right after the quotation
            m = subject(doc, si, cue)
            kinds = ("name", "organization", "role", "anonymous")
            if m is not None and m.kind in kinds and m.start == toks[first].start:
                return m
        return None
    return analyse(pack, text, np, -1)


_BYLINE = regex.compile(r"[ \t]*([―—])[ \t]*")
# Hindi papers sign a quotation with any dash: "“…” – स्वास्थ्य मंत्री हर्षवर्धन"
_BYLINE_ANY_DASH = regex.compile(r"[ \t]*([―—–-])[ \t]*")
_BYLINE_CUE = Cue(phrase="―", forms=())


def _byline(doc: Doc, pos: int) -> tuple[CueMatch, Mention] | None:
    """A quotation signed with a dash and a name that ends its line: "“…” ― Ariana Huichapa."."""
    mt = (_BYLINE_ANY_DASH if doc.pack.verb_final else _BYLINE).match(doc.text, pos)
    if not mt:
        return None
    si = doc.sent_at(mt.end())
    toks = doc.toks[si]
    line_end = doc.text.find("\n", mt.end())
    if line_end < 0:
        line_end = len(doc.text)
    np = [t for t in right_np(doc.pack, doc.text, toks, doc.tok_index(si, mt.end()), limit=5) if t.end <= line_end]
    m = analyse(doc.pack, doc.text, np, -1) if np else None
    if not m or m.kind != "name" or doc.text[np[-1].end : line_end].strip(" .\u00a0"):
        return None
    return CueMatch(mt.start(1), mt.end(1), _BYLINE_CUE), m


def _genitive_after(doc: Doc, pos: int) -> tuple[CueMatch, Mention] | None:
    """ "” यह कहना है X का।" right after a quotation: the pack's ``after_quote`` openers, a
    genitive cue, its speaker and the genitive marker closing the sentence."""
    pack, text = doc.pack, doc.text
    openers = pack.g("after_quote")
    if not openers:
        return None
    nxt = len(text[:pos]) + len(text[pos : pos + 40]) - len(text[pos : pos + 40].lstrip(" ,"))
    si = doc.sent_at(nxt)
    toks = doc.toks[si]
    i = doc.tok_index(si, nxt)
    if i >= len(toks) or toks[i].text not in openers or text[pos : toks[i].start].strip(" ,"):
        return None
    cue = next((c for c in doc.cues[first_cue_after(doc, toks[i].start - 1) :][:1] if c.cue.genitive), None)
    if cue is None or text[toks[i].end : cue.start].strip():
        return None
    j = doc.tok_index(si, cue.end)
    end = j
    while end < len(toks) and toks[end].text not in pack.g("genitive_markers"):
        end += 1
    if end == j or end >= len(toks) or text[toks[end].end : doc.sents[si].end].strip(" ।.॥\"”’'"):
        return None
    m = analyse(pack, text, toks[j:end], -1)
    return (cue, m) if m and m.kind not in ("pronoun", "relative") else None


_CONTINUATION_GAP = 200  # characters of "X said, referring to …" between the two halves, at most


def _continuation(doc: Doc, qi: int, cue: CueMatch, cue_starts: list[int], used: set[int]) -> int | None:
    """The index of the quotation that continues quotation ``qi`` after its attribution: "“…,” she
    said. “…”" and "“…,” Tester said, referring to …, “…”" are one statement, and annotators mark
    it as one span across the attribution. None when the next quotation is elsewhere (another
    paragraph, too far) or has an attribution of its own ("“…,” he added.")."""
    if doc.pack.verb_final or qi + 1 >= len(doc.quotes):
        return None
    q, nxt = doc.quotes[qi], doc.quotes[qi + 1]
    text = doc.text
    if nxt.start - cue.end > _CONTINUATION_GAP:
        return None
    if doc.sents[doc.sent_at(nxt.start)].paragraph != doc.sents[doc.sent_at(q.start)].paragraph:
        return None
    k = bisect.bisect_left(cue_starts, cue.end)
    asides = []  # "“…,” Tester said, referring to the excuse, “…”": an aside of the same speaker
    while k < len(cue_starts) and cue_starts[k] < nxt.start and doc.cues[k].cue.participle:
        asides.append(k)
        k += 1
    if k < len(cue_starts) and cue_starts[k] < nxt.start:
        return None  # another cue between the halves: a new attribution ("…, she said, and Smith added: “…”")
    if k < len(cue_starts):
        gap = text[nxt.end : cue_starts[k]]
        if len(gap) <= 80 and not _SENTENCE_END.search(gap.replace(".", "", 1)):
            return None  # "“…,” he added.": the next quotation has its own attribution
    if word_count(doc, nxt.inner_start, nxt.inner_end) < 2:
        return None
    used.update(asides)
    return qi + 1


def quote_frames(doc: Doc, used: set[int]) -> list[Raw]:
    """A quotation with its attribution right after it or right before it."""
    text = doc.text
    out: list[Raw] = []
    cue_starts = [c.start for c in doc.cues]
    merged: set[int] = set()  # quotations read as the second half of a split quotation
    for qi, q in enumerate(doc.quotes):
        if qi in merged:
            continue
        a, b = trim(text, q.inner_start, q.inner_end)
        if word_count(doc, a, b) < 2:
            continue  # a title or scare-quoted word ("खबर 24")
        flags = set() if q.closed else {"unclosed_quote"}
        # attribution after: ”, X said. / ” X ने कहा।
        first = bisect.bisect_left(cue_starts, q.end)
        after = None
        # the first cue after the quotation, or the second when the first is a nominal cue word
        # standing in a name ("” श्री नित्यानन्द राय ने कहा")
        for k in range(first, min(first + 2, len(doc.cues))):
            cue = doc.cues[k]
            gap = text[q.end : cue.start]
            if k in used or len(gap) > 80 or _SENTENCE_END.search(gap.replace(".", "", 1)):
                break
            m = _speaker_between(doc, q.end, cue)
            if m and m.kind != "relative":
                after = k, cue, m
                break
            if not cue.cue.genitive:
                break
        if after is not None:
            k, cue, m = after
            used.add(k)
            nxt = _continuation(doc, qi, cue, cue_starts, used)
            if nxt is not None:
                merged.add(nxt)
                b = trim(text, a, doc.quotes[nxt].inner_end)[1]
            out.append(Raw((a, b), cue, m, "direct", doc.sent_at(a), flags | cue_flags(cue)))
            continue
        # "“…” यह कहना है मंत्री X का।": a nominal cue with its speaker in the genitive
        if found := _genitive_after(doc, q.end):
            cue, m = found
            out.append(Raw((a, b), cue, m, "direct", doc.sent_at(a), flags | cue_flags(cue)))
            continue
        # a byline under the quotation: “…” ― Ariana Huichapa
        if byline := _byline(doc, q.end):
            cue, m = byline
            out.append(Raw((a, b), cue, m, "direct", doc.sent_at(a), flags))
            continue
        # attribution before: X said: “…” / X ने कहा, “…”
        k = bisect.bisect_right(cue_starts, q.start) - 1
        if k >= 0 and k not in used:
            cue = doc.cues[k]
            if cue.end <= q.start and not text[cue.end : q.start].strip(" \t\n,:—–-"):
                si = doc.sent_at(cue.start)
                m = subject(doc, si, cue)
                if m and m.kind != "relative":
                    used.add(k)
                    out.append(Raw((a, b), cue, m, "direct", si, flags | cue_flags(cue)))
    return out
