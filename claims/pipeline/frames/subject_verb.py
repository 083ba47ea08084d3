"""Subject–verb frames (English): "X said that …", "…, said X, the spokesman", "…, a source said",
"X said, adding that …"; and the speaker of a cue in either word order (:func:`subject`)."""

from __future__ import annotations

import bisect

from claims.pipeline import context
from claims.pipeline.cues import CueMatch
from claims.pipeline.frames.base import (
    _APPOSITIVE,
    LOOKAHEAD,
    WINDOW,
    Doc,
    Raw,
    cue_flags,
    extend_over_quote,
    kind_of,
    trim,
    word_count,
)
from claims.pipeline.frames.verb_final import vf_agent
from claims.pipeline.mentions import Mention, analyse, left_np, right_np
from claims.pipeline.text import Sentence, tokens


def subject(doc: Doc, si: int, cue: CueMatch) -> Mention | None:
    """The speaker of a cue: the agent (verb-final) or the subject before the verb, skipping
    auxiliaries and adverbs ("has also said"), and an appositive ("Smith, the spokesman, said")."""
    pack, text = doc.pack, doc.text
    if pack.verb_final:
        return vf_agent(doc, si, cue)[0]
    toks = doc.toks[si]
    at = _before_parenthesis(text, doc.sents[si].start, cue.start)
    j = doc.tok_index(si, at) - 1
    while j >= 0 and toks[j].text.lower() in pack.g("pre_cue") and not text[toks[j].end : at].count(","):
        j -= 1
    if j < 0:
        return None
    gap = text[toks[j].end : (toks[j + 1].start if j + 1 < len(toks) and toks[j + 1].start < at else at)]
    if gap.strip() == ",":
        # "Kellyanne Conway, Trump's campaign manager, said": look past the appositive
        k = j - 1
        while k >= 0 and "," not in text[toks[k].end : toks[k + 1].start]:
            k -= 1
        if k >= 0 and ")" in text[toks[k].end : toks[k + 1].start]:
            # "Rep. Jim Jordan (R-Ohio), an oversight panel member, said"
            k = doc.tok_index(si, _before_parenthesis(text, doc.sents[si].start, text.index(")", toks[k].end) + 1)) - 1
        head = toks[: k + 1]
        if k < 0:
            return None
        comma = text.index(",", toks[k].end, toks[j].end)
        appositive = text[slice(*trim(text, comma + 1, toks[j].end))]
        m = analyse(pack, text, left_np(pack, text, head, k), doc.sents[si].start)
        named = _appositive_name(doc, si, k + 1, j)
        if named is not None and (m is None or m.kind in ("role", "group")) and j - k <= 4:
            # "Its chief executive, Robert Kahn, wrote", "His neighbour, Sally Brooks, said": the
            # name in the appositive is the speaker, and the phrase before it their role
            lead = _clause_start(text, doc.sents[si].start, toks[k].end)
            if lead is not None and k - doc.tok_index(si, lead) < 6:
                named.role = named.role or text[lead : toks[k].end]
                return named
        if m and m.kind in ("name", "organization"):
            m.role = m.role or appositive
            return m
        if m and m.kind in ("anonymous", "role", "group"):
            if any(mk in appositive for mk in pack.anonymous_markers):
                m.kind = "anonymous"
            return m
        return None
    if gap.strip():
        return None
    np = left_np(pack, text, toks, j)
    return analyse(pack, text, np, doc.sents[si].start)


def _appositive_name(doc: Doc, si: int, first: int, last: int) -> Mention | None:
    """The appositive tokens ``first..last`` when they are exactly a person's name."""
    toks = doc.toks[si]
    np = left_np(doc.pack, doc.text, toks, last)
    if not np or np[0].start != toks[first].start:
        return None
    m = analyse(doc.pack, doc.text, np, -1)
    return m if m is not None and m.kind == "name" else None


def _clause_start(text: str, floor: int, end: int) -> int | None:
    """Where the phrase ending at ``end`` starts: the sentence start, or after a comma or colon
    within the last 60 characters; None when no such boundary is near."""
    lo = max(floor, end - 60)
    cut = max(text.rfind(",", lo, end), text.rfind(":", lo, end))
    if cut >= 0:
        return cut + 1 + (len(text[cut + 1 : end]) - len(text[cut + 1 : end].lstrip()))
    return floor if lo == floor else None


_AUXILIARIES = frozenset({"is", "are", "was", "were", "am", "be", "been", "being"})
# nouns that a denial or confirmation takes before the content: "dismissed reports that …"
_REPORT_NOUNS = frozenset(
    ["reports", "report", "claims", "claim", "allegations", "suggestions", "rumours", "rumors", "accusations"]
    + ["speculation"]
)
# "two police officers", "several witnesses": people counted, not named, are anonymous sources
_COUNTED = frozenset(["two", "three", "four", "five", "six", "several", "some", "many", "a", "an", "one"])


_NOT_INFINITIVE = frozenset(["have", "be", "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this"])


def _infinitive(text: str, floor: int, cue: CueMatch, nxt: list[str]) -> bool:
    """Whether "to" after a cue opens what was wanted, planned or pledged ("wants to cut taxes",
    "agreed to preserve …"): not after a verb of saying ("said to have risen" is hearsay), not in
    a passive ("is reported to"), and not before a noun phrase ("spoke to Chris Wallace")."""
    if cue.cue.cls == "speech" and cue.cue.forms or _after_auxiliary(text, floor, cue.start) or len(nxt) < 2:
        return False
    word = nxt[1]
    return word[:1].islower() and word.lower() not in _NOT_INFINITIVE


def _after_auxiliary(text: str, floor: int, pos: int) -> bool:
    """Whether the word before ``pos`` is a form of "be": "The minister is saying …" is a
    progressive cue with its own subject, not the participle of "…, saying …"."""
    words = text[max(floor, pos - 12) : pos].split()
    return bool(words) and words[-1].lower() in _AUXILIARIES


def _passive_agent(doc: Doc, si: int, cue: CueMatch) -> tuple[Mention, int] | None:
    """ "Jones was told by two police officers that …": the agent after "by" is the speaker (not
    the person told), and the content starts after the agent. None for any other shape."""
    text = doc.text
    if not cue.cue.takes_object or not _after_auxiliary(text, doc.sents[si].start, cue.start):
        return None
    rest = text[cue.end : cue.end + 4]
    if not rest.startswith(" by "):
        return None
    toks = doc.toks[si]
    np = right_np(doc.pack, text, toks, doc.tok_index(si, cue.end + 4))
    m = analyse(doc.pack, text, np, -1) if np else None
    if m is None or m.kind == "relative":
        return None
    if m.kind != "name" and np[0].text.lower() in _COUNTED:
        m.kind = "anonymous"
    return m, np[-1].end


def _anonymous_subject(doc: Doc, si: int, cue: CueMatch) -> Mention | None:
    """ "Two officials who spoke on condition of anonymity said …": the noun phrase before an
    anonymity clause that runs up to the cue is an anonymous speaker."""
    pack, text = doc.pack, doc.text
    sent = doc.sents[si]
    head = text[max(sent.start, cue.start - 200) : cue.start]
    low = head.lower()
    for marker in pack.anonymous_markers:
        at = low.find(marker)
        if at < 0 or len(head) - at - len(marker) > 80:
            continue
        start = cue.start - len(head) + at
        toks = doc.toks[si]
        j = doc.tok_index(si, start) - 1
        while j >= 0 and toks[j].text.lower() in ("who", "which", "spoke", "speaking"):
            j -= 1
        if j < 0:
            return None
        m = analyse(pack, text, left_np(pack, text, toks, j), sent.start)
        if m is None or m.kind in ("relative", "pronoun"):
            return None
        m.kind = "anonymous"
        return m
    return None


_PAREN_REACH = 40  # characters of "(D-Wis.)", "(R-S.C.)", "(pictured)" between a name and its cue


def _before_parenthesis(text: str, floor: int, pos: int) -> int:
    """Where the speaker ends when a short parenthesis stands before the cue: "Rep. Gwen Moore
    (D-Wis.) said" reads as "Rep. Gwen Moore said" (a party and state, an age, a note)."""
    head = text[max(floor, pos - _PAREN_REACH) : pos].rstrip()
    if not head.endswith(")"):
        return pos
    opening = head.rfind("(")
    if opening < 0 or ")" in head[opening:-1]:
        return pos
    return max(floor, pos - _PAREN_REACH) + opening


def inverted_speaker(doc: Doc, si: int, cue: CueMatch) -> Mention | None:
    """The speaker after an inverted cue, with an appositive role: "said Mark Zandi, the chief
    economist at Moody's"."""
    pack, text = doc.pack, doc.text
    toks = doc.toks[si]
    np = right_np(pack, text, toks, doc.tok_index(si, cue.end))
    m = analyse(pack, text, np, -1)
    if m and np:
        rest = text[np[-1].end : min(doc.sents[si].end, np[-1].end + LOOKAHEAD)]
        app = _APPOSITIVE.match(rest)
        if app:
            a, b = trim(text, np[-1].end + app.start(1), np[-1].end + app.end(1))
            m.role = m.role or text[a:b]
    return m


def _skip_after_cue(doc: Doc, si: int, cue: CueMatch) -> tuple[int, str]:
    """Past an addressee, venue or date right after an English cue: "told Reuters on Tuesday that"."""
    pack, text = doc.pack, doc.text
    pos, source = cue.end, ""
    toks = doc.toks[si]
    if cue.cue.takes_object:
        ci = doc.tok_index(si, cue.end)
        np = right_np(pack, text, toks, ci, limit=6)
        if np:
            pos = np[-1].end
            obj = text[np[0].start : pos]
            if any(obj.endswith(mm) or obj == mm for mm in pack.venue_markers.get("media", [])):
                source = f"told {obj}"
    for _ in range(3):
        rest = text[pos : min(doc.sents[si].end, pos + LOOKAHEAD)]
        m = context._venue_pattern(pack.code).match(rest.lstrip())
        d = context._date_pattern(pack.code).match(rest.lstrip())
        lead = len(rest) - len(rest.lstrip())
        if m and m.start() == 0:
            source = source or m.group()
            pos += lead + m.end()
        elif d and d.start() == 0:
            pos += lead + d.end()
        elif rest.lstrip().startswith(("on ", "in ")) and (
            d2 := context._date_pattern(pack.code).match(rest.lstrip()[3:])
        ):
            pos += lead + 3 + d2.end()
        else:
            break
    return pos, source


def _block_after_colon(doc: Doc, pos: int, sent: Sentence) -> tuple[int, int] | None:
    """ "Limbaugh added:" closing its paragraph, and the next paragraph is what was said (a block
    quotation without quote marks; one with them is a quotation frame)."""
    text = doc.text
    p = sent.paragraph
    if text[pos : sent.end].strip() != ":" or p + 1 >= len(doc.paras) or doc.paras[p][1] > sent.end + 2:
        return None
    a, b = trim(text, *doc.paras[p + 1])
    return (a, b) if word_count(doc, a, b) >= 3 else None


def _previous_speaker(doc: Doc, n: int, si: int) -> Mention | None:
    """The speaker of the cue before cue ``n`` in the same sentence: "“…,” he said, adding that …",
    "Chaffetz said in a statement, adding that …"."""
    for k in range(n - 1, max(-1, n - 4), -1):
        prev = doc.cues[k]
        if doc.sent_at(prev.start) != si:
            break
        m = subject(doc, si, prev) or inverted_speaker(doc, si, prev)
        if m:
            return m if m.kind != "relative" else None
    return None


def _parenthetical_start(doc: Doc, sent: Sentence, m: Mention, cue: CueMatch, a: int) -> int:
    """Where the content starts when the attribution stands inside it between commas: "The
    museum, Mr. Obama said, would make visitors face …" and "To understand the real Dred Scott,
    Chief Justice Roberts said, one should visit this museum" say one thing, read as the whole
    sentence around the attribution; the content is ``a`` otherwise."""
    text = doc.text
    if not text[cue.end : a].strip().startswith(","):
        return a
    lead = text[sent.start : m.start].rstrip()
    if not lead.endswith(",") or word_count(doc, sent.start, m.start) < 2:
        return a
    start = trim(text, sent.start, m.start)[0]
    if text[start : start + 12].split(maxsplit=1)[0].lower() in ("according", "in", "on", "at", "asked"):
        return a  # "In a statement, Smith said, …": the setting, not a part of what was said
    return start


class _Participles:
    """The participle cues of a document ("…, adding that …"), indexed so that finding the first
    one inside a content costs O(log n) however many cues the sentence has (a scan forward from
    every cue made "Smith said, " x 20,000 take minutes)."""

    def __init__(self, doc: Doc):
        text = doc.text
        self.starts: list[int] = []
        self.after_comma: list[tuple[int, int]] = []  # (start, position of the comma before it)
        for c in doc.cues:
            if not c.cue.participle:
                continue
            self.starts.append(c.start)
            p = c.start - 1
            while p >= 0 and text[p].isspace():
                p -= 1
            if p >= 0 and text[p] == ",":
                self.after_comma.append((c.start, p))

    def cut(self, text: str, a: int, b: int) -> int:
        """Where the content ``[a, b)`` ends when a participle cue follows inside it, right at its
        start or after a comma: "said X, adding that Y" (Y is a claim of its own)."""
        ends = []
        i = bisect.bisect_left(self.starts, a)
        if i < len(self.starts) and self.starts[i] == a and a < b:
            ends.append(a)
        j = bisect.bisect_left(self.after_comma, (a, -1))
        for start, comma in self.after_comma[j : j + 2]:  # the comma may lie before the content
            if start < b and comma >= a:
                ends.append(start)
                break
        return trim(text, a, min(ends))[1] if ends else b


def svo_frames(doc: Doc, used: set[int]) -> list[Raw]:
    pack, text = doc.pack, doc.text
    out: list[Raw] = []
    participles = _Participles(doc)
    absorbed: set[int] = set()
    comps = pack.g("complementisers")
    for n, cue in enumerate(doc.cues):
        if n in used:
            continue
        si = doc.sent_at(cue.start)
        sent = doc.sents[si]
        flags = cue_flags(cue)
        if cue.cue.participle and not _after_auxiliary(text, sent.start, cue.start):
            toks = doc.toks[si]
            m = _previous_speaker(doc, n, si) or analyse(pack, text, right_np(pack, text, toks, 0), sent.start)
            if m and m.kind in ("name", "pronoun", "organization"):
                pos = cue.end
                nxt = tokens(text, pos, min(sent.end, pos + 40))[:1]
                if nxt and nxt[0].text in comps:
                    pos = nxt[0].end
                a, b = trim(text, pos, sent.end)
                if word_count(doc, a, b) >= 3:
                    out.append(Raw((a, extend_over_quote(doc, a, b)), cue, m, kind_of(doc, a, b), si, flags))
            continue
        nxt = text[cue.end : cue.end + 30].split(maxsplit=2)
        if nxt and nxt[0] in pack.g("not_after_cue") and not _infinitive(text, sent.start, cue, nxt):
            continue  # "is said to have", "said to be": hearsay without a speaker; "spoke to Wallace"
        if cue.start in absorbed:
            continue  # "dismissed reports that …": the noun is part of the cue before it
        passive = _passive_agent(doc, si, cue)
        m = passive[0] if passive else subject(doc, si, cue) or _anonymous_subject(doc, si, cue)
        # the content before a speaker ("…, a source said") is read from at most WINDOW characters
        # back, so that a sentence of a megabyte costs what a normal one does
        win = max(sent.start, cue.start - WINDOW)
        before_cue = text[win : cue.start]
        if m and m.kind != "relative":
            pos, source = _skip_after_cue(doc, si, cue) if passive is None else (passive[1], "")
            nxt = tokens(text, pos, min(sent.end, pos + 40))[:2]
            if len(nxt) == 2 and nxt[0].text.lower() in _REPORT_NOUNS and nxt[1].text in comps:
                absorbed.add(nxt[0].start)  # "denied reports that …", "dismissed claims that …"
                nxt = nxt[1:]
            if nxt and nxt[0].text in comps:
                pos = nxt[0].end
            a, b = trim(text, pos, sent.end)
            b = participles.cut(text, a, b)
            if word_count(doc, a, b) >= 3:
                b = extend_over_quote(doc, a, b)
                a = _parenthetical_start(doc, sent, m, cue, a)
                out.append(Raw((a, b), cue, m, kind_of(doc, a, b), si, flags, source))
                continue
            if block := _block_after_colon(doc, pos, sent):
                out.append(Raw(block, cue, m, "direct", doc.sent_at(block[0]), flags, source))
                continue
            # "…, a source said."  The content is what stands before the speaker.
            cut = before_cue.rfind(",", 0, max(0, m.start - win))
            if cut > 0:
                a, b = trim(text, win, win + cut)
                if word_count(doc, a, b) >= 3:
                    out.append(Raw((a, b), cue, m, kind_of(doc, a, b), si, flags, source))
            continue
        # inverted: "…, said Smith, the spokesman."
        if before_cue.rstrip().endswith(","):
            m = inverted_speaker(doc, si, cue)
            if m and m.kind not in ("relative", "pronoun"):
                a, b = trim(text, win, win + before_cue.rstrip().rfind(","))
                if word_count(doc, a, b) >= 3:
                    out.append(Raw((a, b), cue, m, kind_of(doc, a, b), si, flags))
    return out


def opening_names(doc: Doc) -> list[Mention]:
    """People a sentence opens with ("Defence Minister Laura Bianchi met her counterpart …"): the
    sentence is about them, so a pronoun after it ("She said …") may refer to them even though
    they did not speak. Only sentences opening with a capital letter are tokenised, and only
    their first words."""
    pack, text = doc.pack, doc.text
    out = []
    for sent in doc.sents:
        if not text[sent.start : sent.start + 1].isupper():
            continue
        head = tokens(text, sent.start, min(sent.end, sent.start + 80))
        n = 0
        while n < len(head) and n < 6 and head[n].text[:1].isupper():
            n += 1  # the capitalised words the sentence opens with: "Defence Minister Laura Bianchi"
        m = analyse(pack, text, head[:n], sent.start) if n else None
        if m is not None and m.kind == "name":
            out.append(m)
    return out

