"""Attribution frames: the shapes in which a speaker, a cue and a content stand together.

Each frame reads a :class:`Doc` and returns :class:`Raw` claims (spans only; speakers are resolved
later, in article order). Which frames apply, and with which words, comes from the language pack:
verb-final packs use the agent-marker frames ("X ने कहा कि …"), others subject–verb frames
("X said that …", "…,” said X").
"""

from __future__ import annotations

import bisect
import dataclasses
import operator
from dataclasses import dataclass, field

import regex

from claims.lang import Cue, Pack
from claims.pipeline import context
from claims.pipeline.cues import CueMatch, find_cues, phrase_pattern
from claims.pipeline.mentions import LATIN, Mention, analyse, left_np, right_np
from claims.pipeline.text import Quote, Sentence, Token, paragraphs, quotes, sentences, tokens

_START = operator.itemgetter(1)
_CUE_START = operator.attrgetter("start")
DASHES = "-–—"
LOOKAHEAD = 300  # characters read after a cue to find its complement
WINDOW = 5000  # characters read before a cue for a content standing before its speaker
AGENT_REACH = 60  # tokens between an agent marker and its cue, at most (keeps huge sentences linear)
_SENTENCE_END = regex.compile(r"[।!?\n]")
_APPOSITIVE = regex.compile(r",\s+((?:the|a|an)\s+[^,;]+)")
_TRAIL = " \t\n,;:।॥.!?\"“”'‘’«»)-–—"
_LEAD = " \t\n,;:\"“”'‘’«»(-–—"


class SentenceTokens:
    """Word tokens per sentence, computed when a frame first asks (most sentences have no cue)."""

    def __init__(self, text: str, sents: list[Sentence]):
        self._text, self._sents = text, sents
        self._cache: dict[int, list[Token]] = {}

    def __getitem__(self, si: int) -> list[Token]:
        toks = self._cache.get(si)
        if toks is None:
            s = self._sents[si]
            toks = self._cache[si] = tokens(self._text, s.start, s.end)
        return toks


@dataclass
class Doc:
    """An article segmented for the frames."""

    text: str
    pack: Pack
    sents: list[Sentence]
    toks: SentenceTokens
    quotes: list[Quote]
    cues: list[CueMatch]
    paras: list[tuple[int, int]]
    _starts: list[int] = field(default_factory=list)
    quote_starts: list[int] = field(default_factory=list)
    quote_ends: list[int] = field(default_factory=list)
    quote_at: dict[int, Quote] = field(default_factory=dict)

    @classmethod
    def build(cls, text: str, pack: Pack) -> Doc:
        sents = sentences(text, pack)
        paras = paragraphs(text)
        doc = cls(
            text,
            pack,
            sents,
            SentenceTokens(text, sents),
            quotes(text, pack, paras),
            find_cues(text, pack),
            paras,
        )
        doc._starts = [s.start for s in sents]
        doc.quote_starts = [q.start for q in doc.quotes]
        doc.quote_ends = [q.end for q in doc.quotes]
        doc.quote_at = {q.start: q for q in doc.quotes}
        return doc

    def sent_at(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._starts, pos) - 1)

    def toks_at(self, pos: int) -> list[Token]:
        """Tokens of the sentence holding ``pos``."""
        return self.toks[self.sent_at(pos)]

    def tok_index(self, si: int, pos: int) -> int:
        """Index of the first token of sentence ``si`` starting at or after ``pos``."""
        return bisect.bisect_left(self.toks[si], pos, key=_START)


@dataclass
class Raw:
    content: tuple[int, int]
    cue: CueMatch
    mention: Mention | None
    kind: str
    sentence: int
    flags: set[str] = field(default_factory=set)
    source: str = ""
    cue_span: tuple[int, int] | None = None  # when the cue text differs from the match ("according to")

    @property
    def cue_range(self) -> tuple[int, int]:
        return self.cue_span or self.cue.span


def trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Shrink ``[a, b)`` past surrounding spaces, quote marks and terminal punctuation."""
    while a < b and text[a] in _LEAD:
        a += 1
    while b > a and text[b - 1] in _TRAIL:
        b -= 1
    return a, b


def _words(doc: Doc, a: int, b: int) -> int:
    """Roughly how many words ``text[a:b]`` holds, counted up to 10 (thresholds only need a few;
    bounded so that a huge span costs no more than a short one)."""
    return len(doc.text[a : min(b, a + 200)].split()[:10])


def _quotes_near(doc: Doc, a: int, b: int) -> list[Quote]:
    """The quotations that touch ``[a, b)`` (quotations are sorted and do not overlap)."""
    i = bisect.bisect_right(doc.quote_ends, a)
    j = bisect.bisect_left(doc.quote_starts, b)
    return doc.quotes[i:j]


def _kind_of(doc: Doc, a: int, b: int) -> str:
    """direct when the content is one quotation, mixed when it contains one, else indirect."""
    for q in _quotes_near(doc, a, b):
        if q.inner_start <= a and b <= q.inner_end:
            return "direct"
        if a <= q.start < b or a < q.end <= b:
            return "mixed"
    return "indirect"


def _extend_over_quote(doc: Doc, a: int, b: int) -> int:
    """A content that opens a quotation runs to the quotation's end, across sentences."""
    for q in _quotes_near(doc, a, b):
        if (a <= q.start < b or q.inner_start <= a < q.inner_end) and q.inner_end > b:
            return max(b, trim(doc.text, a, q.inner_end)[1])
    return b


def _flags(cue: CueMatch) -> set[str]:
    return {"mental": {"mental_state"}, "request": {"request"}}.get(cue.cue.cls, set()) | (
        {"author_voice"} if cue.cue.author else set()
    )


def _role_segments(doc: Doc, si: int, m: Mention) -> None:
    """Appositive roles before a name in verb-final text, comma-separated:
    "…के कमांडर, रूसी एयरबोर्न फोर्सेज के कमांडर कर्नल-जनरल आंद्रेई सेरड्यूकोव ने"."""
    if m.kind not in ("name",):
        return
    pack, text = doc.pack, doc.text
    segs = text[doc.sents[si].start : m.start].split(",")
    roles: list[str] = []
    for n, seg in enumerate(reversed(segs)):
        words = [w for w in regex.findall(r"[\p{L}\p{M}\p{N}.-]+", seg)]
        if not words:
            if n == 0:
                continue
            break
        last = words[-1]
        if last in pack.roles or last in pack.titles:
            # a date or time adverbial before the role is not part of it
            tail = regex.split(r"\s(?:को|में)\s(?=[^,]*$)", seg.strip()) if n == 0 else [seg.strip()]
            roles.insert(0, tail[-1].strip())
        else:
            break
    titles = m.text[: len(m.text) - len(m.name)].strip() if m.text.endswith(m.name) else ""
    if titles:
        roles.append(titles)
    if roles:
        m.role = "; ".join(dict.fromkeys(r for r in roles if r))


# ---------------------------------------------------------------- verb-final (Hindi) agents
def _ergative_pronoun(pack: Pack, w: str) -> bool:
    if not (w in pack.pronouns or w in pack.relative_pronouns or w in pack.author_words):
        return False
    return any(w.endswith(mk) and len(w) > len(mk) for mk in pack.g("agent_markers"))


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
                    _role_segments(doc, si, m)
                    out.append(m)
                pos = text.find(f" {marker} ", pos + 1)
        return out
    for run in _CAPITAL_RUN.finditer(text):
        toks = tokens(text, run.start(), run.end())
        m = analyse(pack, text, toks, -1) if len(toks) >= 2 else None
        if m and m.kind == "name" and len(m.name_tokens) >= 2:
            out.append(m)
    return out


def vf_agent(doc: Doc, si: int, cue: CueMatch) -> tuple[Mention | None, int]:
    """Agent of a verb-final cue and where the middle (object) span starts.

    Reads leftwards from the cue to the agent marker ("X ने") or an agent pronoun ("उन्होंने"); a
    finite verb or a complementiser on the way means the marker belongs to another clause.
    Without a marker, the noun phrase right before the cue counts only when it is a Latin-script
    name, a pronoun or a role ("Tokayev सूचित किया जनता कि").
    """
    pack, text = doc.pack, doc.text
    toks = doc.toks[si]
    ci = doc.tok_index(si, cue.start)
    if cue.cue.genitive:
        if ci and toks[ci - 1].text in pack.g("genitive_markers"):
            m = analyse(pack, text, left_np(pack, text, toks, ci - 2), doc.sents[si].start)
            return m, cue.start
        return None, cue.start
    for j in range(ci - 1, max(-1, ci - 1 - AGENT_REACH), -1):
        w = toks[j].text
        if w in pack.g("agent_markers"):
            m = analyse(pack, text, left_np(pack, text, toks, j - 1), doc.sents[si].start)
            if m:
                _role_segments(doc, si, m)
            return m, toks[j].end
        if _ergative_pronoun(pack, w):
            return analyse(pack, text, [toks[j]], doc.sents[si].start), toks[j].end
        if w in pack.g("finite_verbs") or w in pack.g("complementisers") or w in pack.relative_pronouns:
            break
    # no agent marker: machine-translated or colloquial order ("Tokayev सूचित किया", "वह बोले")
    if ci and not text[toks[ci - 1].end : cue.start].strip():
        m = analyse(pack, text, left_np(pack, text, toks, ci - 1), doc.sents[si].start)
        if m and (m.kind in ("pronoun", "role", "anonymous") or (m.kind == "name" and LATIN.search(m.name))):
            return m, cue.start
    return None, cue.start


def _complement(doc: Doc, si: int, cue: CueMatch, lookahead: int = 6) -> tuple[int, int] | None:
    """Content after a cue: after the complementiser, a colon, or a following quotation."""
    pack, text = doc.pack, doc.text
    sent = doc.sents[si]
    after = text[cue.end : min(sent.end, cue.end + LOOKAHEAD)]
    stripped = after.lstrip(" ,:—–-")
    off = cue.end + len(after) - len(stripped)
    q = doc.quote_at.get(off)
    if q is not None:
        a, b = trim(text, q.inner_start, q.inner_end)
        return (a, b) if b > a else None
    if after.lstrip().startswith(":"):
        a, b = trim(text, off, sent.end)
        return (a, _extend_over_quote(doc, a, b)) if b > a else None
    toks = doc.toks[si]
    ci = doc.tok_index(si, cue.end)
    comps = pack.g("complementisers")
    for k in range(ci, min(len(toks), ci + lookahead)):
        if toks[k].text in comps:
            if "," in text[cue.end : toks[k].start] and k > ci:
                break
            a, b = trim(text, toks[k].end, sent.end)
            return (a, _extend_over_quote(doc, a, b)) if b > a else None
        if not pack.verb_final:
            break
    return None


def _object(doc: Doc, start: int, end: int, si: int) -> tuple[int, int] | None:
    """Content standing before an object cue ("… कजाख पक्ष का आभार व्यक्त किया"), without a
    leading venue phrase and without the trailing case marker."""
    pack, text = doc.pack, doc.text
    for v in context.venues(text, pack, doc.toks_at, start, end):
        after = regex.match(
            r"\s*(?:" + "|".join(map(regex.escape, pack.venue_markers["words"])) + r")\s*,?", text[v.end : end]
        )
        if after:
            start = max(start, v.end + after.end())
    a, b = trim(text, start, end)
    while True:
        toks = tokens(text, a, b)
        if toks and toks[-1].text in pack.g("object_markers"):
            a, b = trim(text, a, toks[-1].start)
            continue
        break
    return (a, b) if _words(doc, a, b) >= 2 else None


def verb_final_frames(doc: Doc, used: set[int]) -> list[Raw]:
    pack, text = doc.pack, doc.text
    out: list[Raw] = []
    for n, cue in enumerate(doc.cues):
        if n in used:
            continue
        si = doc.sent_at(cue.start)
        sent = doc.sents[si]
        toks = doc.toks[si]
        ci = doc.tok_index(si, cue.start)
        if cue.impersonal:
            continue  # "कहा जाता है कि": nobody to attribute it to
        if cue.cue.author:
            c = _complement(doc, si, cue)
            if c:
                out.append(Raw(c, cue, None, _kind_of(doc, *c), si, _flags(cue)))
            continue
        if cue.passive:
            prev = toks[ci - 1].text if ci else ""
            if prev in pack.g("locative_markers") or prev in pack.g("agent_postpositions"):
                m = analyse(pack, text, left_np(pack, text, toks, ci - 2), sent.start)
                if not m or m.kind in ("relative", "pronoun"):
                    continue
                if m.kind == "name":  # "पश्चिम में कहा गया": a place or body speaks, not a person
                    m.kind = "group"
                c = _complement(doc, si, cue)
                if c is None:
                    a, b = trim(text, cue.end, sent.end)
                    c = (a, b) if _words(doc, a, b) >= 3 else None
                if c:
                    out.append(Raw(c, cue, m, _kind_of(doc, *c), si, _flags(cue)))
            continue
        m, mid = vf_agent(doc, si, cue)
        if m is None or m.kind == "relative":
            continue
        c = _complement(doc, si, cue)
        if c is None and cue.cue.object and mid < cue.start:
            c = _object(doc, mid, cue.start, si)
        if c is None:
            continue
        out.append(Raw(c, cue, m, _kind_of(doc, *c), si, _flags(cue)))
    return out


def _first_cue_after(doc: Doc, pos: int) -> int:
    return bisect.bisect_right(doc.cues, pos, key=_CUE_START)


def dash_frames(doc: Doc, used: set[int]) -> list[Raw]:
    """A line of speech followed by "- X ने कहा।" / "- वली का सुझाव दिया।"."""
    pack, text = doc.pack, doc.text
    out: list[Raw] = []
    for p, (ps, pe) in enumerate(doc.paras):
        if p == 0 or text[ps] not in DASHES:
            continue
        lo = _first_cue_after(doc, ps)
        for n in range(lo, len(doc.cues)):
            cue = doc.cues[n]
            if cue.start >= pe:
                break
            if n in used:
                continue
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
            if _words(doc, a, b) < 2:
                continue
            used.add(n)
            out.append(Raw((a, b), cue, m, "direct", doc.sent_at(a), _flags(cue)))
            break
    return out


# ---------------------------------------------------------------- quotations (all packs)
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
        if toks[end].text in pack.g("agent_markers") | pack.g("genitive_markers"):
            end -= 1
    else:
        while end >= first and toks[end].text.lower() in pack.g("pre_cue"):
            end -= 1
    np = left_np(pack, text, toks, end)
    if not np or np[0].start != toks[first].start:
        return None
    return analyse(pack, text, np, -1)


_BYLINE = regex.compile(r"[ \t]*([―—])[ \t]*")
_BYLINE_CUE = Cue(phrase="―", forms=())


def _byline(doc: Doc, pos: int) -> tuple[CueMatch, Mention] | None:
    """A quotation signed with a dash and a name that ends its line: "“…” ― Ariana Huichapa."."""
    mt = _BYLINE.match(doc.text, pos)
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


def quote_frames(doc: Doc, used: set[int]) -> list[Raw]:
    """A quotation with its attribution right after it or right before it."""
    text = doc.text
    out: list[Raw] = []
    cue_starts = [c.start for c in doc.cues]
    for q in doc.quotes:
        a, b = trim(text, q.inner_start, q.inner_end)
        if _words(doc, a, b) < 2:
            continue  # a title or scare-quoted word ("खबर 24")
        flags = set() if q.closed else {"unclosed_quote"}
        # attribution after: ”, X said. / ” X ने कहा।
        k = bisect.bisect_left(cue_starts, q.end)
        if k < len(doc.cues) and k not in used:
            cue = doc.cues[k]
            gap = text[q.end : cue.start]
            if len(gap) <= 80 and not _SENTENCE_END.search(gap.replace(".", "", 1)):
                m = _speaker_between(doc, q.end, cue)
                if m and m.kind != "relative":
                    used.add(k)
                    out.append(Raw((a, b), cue, m, "direct", doc.sent_at(a), flags | _flags(cue)))
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
                    out.append(Raw((a, b), cue, m, "direct", si, flags | _flags(cue)))
    return out


# ---------------------------------------------------------------- subject–verb (English) frames
def subject(doc: Doc, si: int, cue: CueMatch) -> Mention | None:
    """The speaker of a cue: the agent (verb-final) or the subject before the verb, skipping
    auxiliaries and adverbs ("has also said"), and an appositive ("Smith, the spokesman, said")."""
    pack, text = doc.pack, doc.text
    if pack.verb_final:
        return vf_agent(doc, si, cue)[0]
    toks = doc.toks[si]
    j = doc.tok_index(si, cue.start) - 1
    while j >= 0 and toks[j].text.lower() in pack.g("pre_cue") and not text[toks[j].end : cue.start].count(","):
        j -= 1
    if j < 0:
        return None
    gap = text[toks[j].end : (toks[j + 1].start if j + 1 < len(toks) else cue.start)]
    if gap.strip() == ",":
        # "Kellyanne Conway, Trump's campaign manager, said": look past the appositive
        k = j - 1
        while k >= 0 and "," not in text[toks[k].end : toks[k + 1].start]:
            k -= 1
        head = toks[: k + 1]
        if k < 0:
            return None
        appositive = text[toks[k + 1].start : toks[j].end]
        m = analyse(pack, text, left_np(pack, text, head, k), doc.sents[si].start)
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
    return (a, b) if _words(doc, a, b) >= 3 else None


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


def _before_participle(doc: Doc, n: int, a: int, b: int) -> int:
    """Where the content ``[a, b)`` of cue ``n`` ends when a participle cue follows inside it:
    "said X, adding that Y" (Y is a claim of its own)."""
    for k in range(n + 1, len(doc.cues)):
        later = doc.cues[k]
        if later.start >= b:
            break
        if later.cue.participle and (later.start == a or doc.text[a : later.start].rstrip().endswith(",")):
            return trim(doc.text, a, later.start)[1]
    return b


def svo_frames(doc: Doc, used: set[int]) -> list[Raw]:
    pack, text = doc.pack, doc.text
    out: list[Raw] = []
    comps = pack.g("complementisers")
    for n, cue in enumerate(doc.cues):
        if n in used:
            continue
        si = doc.sent_at(cue.start)
        sent = doc.sents[si]
        flags = _flags(cue)
        if cue.cue.participle:
            toks = doc.toks[si]
            m = _previous_speaker(doc, n, si) or analyse(pack, text, right_np(pack, text, toks, 0), sent.start)
            if m and m.kind in ("name", "pronoun", "organization"):
                pos = cue.end
                nxt = tokens(text, pos, min(sent.end, pos + 40))[:1]
                if nxt and nxt[0].text in comps:
                    pos = nxt[0].end
                a, b = trim(text, pos, sent.end)
                if _words(doc, a, b) >= 3:
                    out.append(Raw((a, _extend_over_quote(doc, a, b)), cue, m, _kind_of(doc, a, b), si, flags))
            continue
        nxt = text[cue.end : cue.end + 12].split(maxsplit=1)
        if nxt and nxt[0] in pack.g("not_after_cue"):
            continue  # "is said to have", "said to be": hearsay without a speaker
        m = subject(doc, si, cue)
        # the content before a speaker ("…, a source said") is read from at most WINDOW characters
        # back, so that a sentence of a megabyte costs what a normal one does
        win = max(sent.start, cue.start - WINDOW)
        before_cue = text[win : cue.start]
        if m and m.kind != "relative":
            pos, source = _skip_after_cue(doc, si, cue)
            nxt = tokens(text, pos, min(sent.end, pos + 40))[:1]
            if nxt and nxt[0].text in comps:
                pos = nxt[0].end
            a, b = trim(text, pos, sent.end)
            b = _before_participle(doc, n, a, b)
            if _words(doc, a, b) >= 3:
                b = _extend_over_quote(doc, a, b)
                out.append(Raw((a, b), cue, m, _kind_of(doc, a, b), si, flags, source))
                continue
            if block := _block_after_colon(doc, pos, sent):
                out.append(Raw(block, cue, m, "direct", doc.sent_at(block[0]), flags, source))
                continue
            # "…, a source said."  The content is what stands before the speaker.
            cut = before_cue.rfind(",", 0, max(0, m.start - win))
            if cut > 0:
                a, b = trim(text, win, win + cut)
                if _words(doc, a, b) >= 3:
                    out.append(Raw((a, b), cue, m, _kind_of(doc, a, b), si, flags, source))
            continue
        # inverted: "…, said Smith, the spokesman."
        if before_cue.rstrip().endswith(","):
            m = inverted_speaker(doc, si, cue)
            if m and m.kind not in ("relative", "pronoun"):
                a, b = trim(text, win, win + before_cue.rstrip().rfind(","))
                if _words(doc, a, b) >= 3:
                    out.append(Raw((a, b), cue, m, _kind_of(doc, a, b), si, flags))
    return out


def according_frames(doc: Doc) -> list[Raw]:
    """ "According to X, …", "…, according to X." and "X के मुताबिक, …"."""
    pack, text = doc.pack, doc.text
    out: list[Raw] = []
    for before, phrases in ((True, pack.according_before), (False, pack.according_after)):
        pat = phrase_pattern(tuple(phrases), ignore_case=not pack.verb_final)
        if pat is None:
            continue
        for mt in pat.finditer(text):
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
            else:  # Hindi: the speaker precedes the postposition
                ci = doc.tok_index(si, mt.start())
                m = analyse(pack, text, left_np(pack, text, toks, ci - 1), sent.start)
                if not m or m.kind == "relative":
                    continue
                a, b = trim(text, mt.end(), sent.end)
            if _words(doc, a, b) >= 3:
                out.append(Raw((a, b), cue, m, _kind_of(doc, a, b), si, _flags(cue)))
    return out


_ACCORDING = Cue(phrase="according to", forms=())
_ACCORDING_MENTAL = Cue(phrase="का मानना है", forms=(), cls="mental")


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
        if _words(doc, a, b) >= 3:
            out.append(Raw((a, b), CueMatch(mt.start("colon"), mt.end("colon"), _LABEL_CUE), m, "direct", si))
    return out


def all_frames(doc: Doc) -> list[Raw]:
    """Every frame of the pack over the document, quotations first (they claim their cues)."""
    used: set[int] = set()
    raws = quote_frames(doc, used)
    if doc.pack.dash_attribution:
        raws += dash_frames(doc, used)
    raws += according_frames(doc)
    if doc.pack.label_attribution:
        raws += label_frames(doc)
    raws += verb_final_frames(doc, used) if doc.pack.verb_final else svo_frames(doc, used)
    return raws
