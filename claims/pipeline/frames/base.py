"""What every frame works on: the segmented article (:class:`Doc`), the raw claim it returns
(:class:`Raw`), and the span helpers frames share (trimming, quotation look-ups, kinds)."""

from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass, field

import regex

from claims.lang import Pack
from claims.pipeline.cues import CueMatch, find_cues
from claims.pipeline.mentions import Mention, analyse, left_np
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
    # the agent before each agent marker read so far, by the marker's position: the frames read
    # it for a cue, and the registry of people needs it again for every "X ने" of the article
    agents: dict[int, Mention | None] = field(default_factory=dict)
    # the article's word tokens, when a pass has tokenised the whole text (the English cue model)
    words: list[Token] = field(default_factory=list)
    word_starts: list[int] = field(default_factory=list)

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

    def tokens_between(self, a: int, b: int) -> list[Token]:
        """``tokens(text, a, b)``, read from the article's tokens when they are there and a word
        starts at ``a`` (the same list then: the scan from a word start finds the same words, and
        nothing that is no word in the article becomes one before ``b``; a word running past ``b``
        is cut there as the scan would cut it)."""
        starts = self.word_starts
        if starts:
            i = bisect.bisect_left(starts, a)
            j = bisect.bisect_left(starts, b, i)
            if i < len(starts) and starts[i] == a:
                if i == j or self.words[j - 1].end <= b:
                    return self.words[i:j]
                # the last word runs past b: the scan would stop it at b
                return self.words[i : j - 1] + tokens(self.text, starts[j - 1], b)
        return tokens(self.text, a, b)

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


def word_count(doc: Doc, a: int, b: int) -> int:
    """Roughly how many words ``text[a:b]`` holds, counted up to 10 (thresholds only need a few;
    bounded so that a huge span costs no more than a short one)."""
    return len(doc.text[a : min(b, a + 200)].split()[:10])


def quotes_near(doc: Doc, a: int, b: int) -> list[Quote]:
    """The quotations that touch ``[a, b)`` (quotations are sorted and do not overlap)."""
    i = bisect.bisect_right(doc.quote_ends, a)
    j = bisect.bisect_left(doc.quote_starts, b)
    return doc.quotes[i:j]


def kind_of(doc: Doc, a: int, b: int) -> str:
    """direct when the content is one quotation, mixed when it contains one, else indirect."""
    for q in quotes_near(doc, a, b):
        if q.inner_start <= a and b <= q.inner_end:
            return "direct"
        if a <= q.start < b or a < q.end <= b:
            return "mixed"
    return "indirect"


def extend_over_quote(doc: Doc, a: int, b: int) -> int:
    """A content that opens a quotation runs to the quotation's end, across sentences."""
    for q in quotes_near(doc, a, b):
        if (a <= q.start < b or q.inner_start <= a < q.inner_end) and q.inner_end > b:
            return max(b, trim(doc.text, a, q.inner_end)[1])
    return b


def cue_flags(cue: CueMatch) -> set[str]:
    return {"mental": {"mental_state"}, "request": {"request"}}.get(cue.cue.cls, set()) | (
        {"author_voice"} if cue.cue.author else set()
    )


def first_cue_after(doc: Doc, pos: int) -> int:
    return bisect.bisect_right(doc.cues, pos, key=_CUE_START)


def speech_to_paragraph_end(doc: Doc, a: int, si: int) -> int:
    """Where unquoted speech that starts at ``a`` in sentence ``si`` ends: with its paragraph,
    or before the first later sentence of the paragraph that carries a cue of its own (a new
    attribution)."""
    sent = doc.sents[si]
    end = sent.end
    k = first_cue_after(doc, sent.end)
    next_cue = doc.cues[k].start if k < len(doc.cues) else len(doc.text)
    for sj in range(si + 1, min(len(doc.sents), si + 40)):
        nxt = doc.sents[sj]
        if nxt.paragraph != sent.paragraph or nxt.start <= next_cue < nxt.end or nxt.start > next_cue:
            break
        end = nxt.end
    return trim(doc.text, a, end)[1]


def issuer(doc: Doc, si: int, m: Mention, markers: frozenset[str] | None = None) -> tuple[Mention, str] | None:
    """The organisation or person who issued a document mention, and the whole phrase as the
    source: "स्वास्थ्य मंत्रालय के आंकड़ों" gives the ministry, "X की रिपोर्ट" X. ``markers`` are
    the postpositions that tie the owner to the document (default: the genitive; "से" for
    information received: "विभाग से मिली जानकारी"). None when no owner stands before it."""
    pack, text, toks = doc.pack, doc.text, doc.toks[si]
    j = doc.tok_index(si, m.start) - 1
    if markers is None and j >= 3 and [t.text for t in toks[j - 1 : j + 1]] == ["ओर", "से"]:
        j -= 2  # "मंत्रालय की ओर से जारी आंकड़ों": a compound postposition before the document
    if j < 1 or toks[j].text not in (markers or pack.g("genitive_markers") | pack.g("agent_postpositions")):
        return None  # "मंत्रालय के आंकड़ों", "मंत्रालय द्वारा जारी आंकड़ों"
    owner = analyse(pack, text, left_np(pack, text, toks, j - 1), doc.sents[si].start)
    if owner is None or owner.kind not in ("organization", "name", "role", "group", "anonymous"):
        return None
    return owner, text[owner.start : m.end]
