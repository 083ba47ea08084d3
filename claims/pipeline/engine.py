"""The extraction engine: text → frames → resolved, dated, sourced claims."""

from __future__ import annotations

import bisect
import dataclasses
import hashlib

from claims.lang import Pack, detect, load, script_letters
from claims.model import Claim, Extraction
from claims.pipeline import context
from claims.pipeline.entities import Entity, Registry
from claims.pipeline.frames import Doc, Raw, all_frames, trim
from claims.pipeline.frames.subject_verb import opening_names
from claims.pipeline.frames.verb_final import ROLE_REACH
from claims.pipeline.mentions import Mention, analyse, left_np
from claims.pipeline.normalise import Folded, fold
from claims.pipeline.persons import name_mentions, sentence_subjects, titled_names
from claims.pipeline.stories import story_starts
from claims.pipeline.text import paragraphs

_BASE_CONFIDENCE = {
    "name": 0.9,
    "organization": 0.9,
    "role": 0.8,
    "pronoun": 0.75,
    "zero": 0.7,
    "document": 0.85,
    "anonymous": 0.8,
    "group": 0.7,
    "author": 0.6,
}


def article_id_for(text: str) -> str:
    """A stable id for an article given no id: a short hash of its text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def claim_id_for(article_id: str, raw: Raw) -> str:
    key = f"{article_id}|{raw.content[0]}|{raw.content[1]}|{raw.cue_range[0]}"
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _dedupe(raws: list[Raw]) -> list[Raw]:
    """One claim per cue and per content span; a claim whose content lies inside another's with
    the same speaker span is the same claim read twice."""
    out: list[Raw] = []
    seen_cues: set[tuple[int, int]] = set()
    seen_content: set[tuple[int, int]] = set()

    def named_first(r: Raw) -> int:
        return 0 if r.mention is not None and r.mention.kind in ("name", "organization") else 1

    for r in sorted(raws, key=lambda r: (r.content[0], -(r.content[1] - r.content[0]), named_first(r))):
        if r.cue_range in seen_cues or r.content in seen_content:
            continue
        seen_cues.add(r.cue_range)
        seen_content.add(r.content)
        out.append(r)
    return sorted(out, key=lambda r: (r.sentence, r.cue_range[0]))


MAX_CONTENT = 10_000  # characters; a longer content is cut at a word and flagged "truncated"


def _capped(text: str, r: Raw) -> Raw:
    """Bound a content span: in a megabyte with no sentence end, every cue would otherwise claim
    the rest of the text, and the output would grow with the square of the input."""
    a, b = r.content
    if b - a > MAX_CONTENT:
        cut = text.rfind(" ", a, a + MAX_CONTENT)
        r.content = trim(text, a, cut if cut > a else a + MAX_CONTENT)
        r.flags.add("truncated")
    return r


class Spans:
    """A union of intervals answering "is this position inside one?" in O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


def _nested(raws: list[Raw]) -> set[int]:
    """ids of claims whose content lies inside another claim's content (one sweep)."""
    out: set[int] = set()
    reach = -1
    for r in sorted(raws, key=lambda r: (r.content[0], -r.content[1])):
        if r.content[1] <= reach:
            out.add(id(r))
        reach = max(reach, r.content[1])
    return out


def languages(text: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """The languages of an article, most letters first, each with its paragraphs.

    A paragraph too short to tell (under 20 letters) goes with the language of the whole text.
    """
    whole = detect(text)
    paras = paragraphs(text)
    if len(paras) < 2:
        return [(whole, [(0, len(text))])]
    parts: dict[str, list[tuple[int, int]]] = {}
    letters: dict[str, int] = {}
    for a, b in paras:
        counts = script_letters(text[a:b])
        code, n = max(counts.items(), key=lambda kv: kv[1]) if counts else (whole, 0)
        if n < 20:
            code = whole
        parts.setdefault(code, []).append((a, b))
        letters[code] = letters.get(code, 0) + n
    if len(parts) == 1:
        return [(whole, [(0, len(text))])]
    return sorted(parts.items(), key=lambda kv: -letters[kv[0]])


def extract_article(text: str, *, lang: str | None = None, article_id: str | None = None) -> Extraction:
    """Extract claims and speaker entities from one article. See :func:`claims.extract`.

    With no ``lang``, each paragraph's language is detected, and an article mixing Hindi and
    English paragraphs is read with both packs, sharing one set of speakers.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    aid = article_id or article_id_for(text)
    folded = fold(text)
    text = folded.text  # matched on; offsets and what users see come from folded.original
    parts = [(load(lang).code, [(0, len(text))])] if lang and lang != "auto" else languages(text)
    packs = [load(code) for code, _ in parts]
    registry = Registry(packs, aid)
    found: list[tuple[Raw, Entity | None, str, Pack]] = []
    for pack, (_, spans) in zip(packs, parts, strict=True):
        found.extend(_extract_pass(folded, pack, registry, spans if len(parts) > 1 else None))
    # claims are built once every pass has run: a later pass may give a speaker a fuller name
    claims = [_to_claim(folded, aid, pack, r, e, registry, date) for r, e, date, pack in found]
    if len(parts) > 1:
        claims.sort(key=lambda c: (c.content_start, c.cue_start))
    return Extraction(aid, packs[0].code, claims, registry.speakers())


def _surface_mention(folded: Folded, m: Mention) -> Mention:
    """The mention's words as the article writes them (entity names are shown to users)."""
    if folded.same(max(0, m.start - ROLE_REACH) if m.role else m.start, m.end):
        return m  # nothing folded where its words come from
    text = folded.text
    name_start = m.end - len(m.name)
    if m.name:
        if text[name_start : m.end] == m.name:
            m.name = folded.surface(name_start, m.end)
        else:
            m.name = folded.find_surface(m.name, max(0, m.start - 500), m.end + 500)
        m.name_tokens = m.name.split() if m.name_tokens else m.name_tokens
    if m.role:
        lo = max(0, m.start - ROLE_REACH)
        m.role = "; ".join(folded.find_surface(part, lo, m.end) for part in m.role.split("; "))
    m.text = folded.surface(m.start, m.end)
    return m


def _surface_marker(folded: Folded, mk: context.Marker) -> context.Marker:
    if folded.same(mk.start, mk.end):
        return mk
    return dataclasses.replace(mk, text=folded.surface(mk.start, mk.end))


def _extract_pass(
    folded: Folded, pack: Pack, registry: Registry, spans: list[tuple[int, int]] | None
) -> list[tuple[Raw, Entity | None, str, Pack]]:
    """Claims of one language pack, each with its speaker entity and date; with ``spans``, only
    cues inside those paragraphs count."""
    text = folded.text
    doc = Doc.build(text, pack)
    raws = [_capped(text, r) for r in all_frames(doc) if r.content[1] > r.content[0]]
    if spans is not None:
        mine = Spans(spans)
        raws = [r for r in raws if r.cue_range[0] in mine]
    raws = _dedupe(raws)
    contents = Spans([r.content for r in raws])
    by_sentence: dict[int, list[Raw]] = {}
    for r in raws:
        by_sentence.setdefault(doc.sent_at(r.cue_range[0]), []).append(r)

    for r in raws:
        if r.mention is not None:
            _surface_mention(folded, r.mention)
        if r.source:
            r.source = folded.find_surface(r.source, max(0, r.cue.start - 1000), r.cue.end + 1000)
    agents_in: dict[int, list[tuple[Mention, Entity]]] = {}
    # people named without speaking matter only to mentions that refer back: a pronoun or zero
    # subject (sentence subjects, story boundaries) or a role noun (titled names); articles
    # without such mentions skip the passes that find them
    kinds = {r.mention.kind for r in raws if r.mention is not None}
    refers_back = bool(kinds & {"pronoun", "zero", "role", "organization"})
    subjects = sentence_subjects(doc) if kinds & {"pronoun", "zero", "role"} else []
    for m in [*name_mentions(doc), *subjects]:
        e = registry.known(_surface_mention(folded, m))
        # people become antecedents of pronouns; organisations only of generic nouns ("पार्टी")
        if pack.verb_final and m.kind == "name" and m.start not in contents:
            agents_in.setdefault(doc.sent_at(m.start), []).append((m, e))
    if not pack.verb_final and "pronoun" in kinds:
        # English: a person a sentence opens with is a pronoun's antecedent, speaking or not
        for m in opening_names(doc):
            if m.start not in contents:
                agents_in.setdefault(doc.sent_at(m.start), []).append((m, registry.known(_surface_mention(folded, m))))
    for m in titled_names(doc) if "role" in kinds else []:
        registry.known(_surface_mention(folded, m))
    entity_of: dict[int, Entity | None] = {}
    date_of: dict[int, str] = {}
    last_date = ""
    dates_in: dict[int, list[context.Marker]] = {}
    for d in context.dates(text, pack, 0, len(text)):
        if d.start not in contents:
            dates_in.setdefault(doc.sent_at(d.start), []).append(_surface_marker(folded, d))
    venues_in: dict[int, list[context.Marker]] = {}
    for v in context.venues(text, pack, doc.toks_at, 0, len(text)):
        if v.start not in contents:
            venues_in.setdefault(doc.sent_at(v.start), []).append(_surface_marker(folded, v))
    starts = story_starts(text, pack, doc.paras) if refers_back else []
    for si in range(len(doc.sents)):
        if starts and doc.sents[si].start >= starts[0]:
            registry.begin_story(starts.pop(0))
            while starts and doc.sents[si].start >= starts[0]:
                registry.begin_story(starts.pop(0))
            last_date = ""
        own_date = ""
        if si in dates_in:
            d = dates_in[si][0]
            own_date = last_date if d.same_day else d.text
        if own_date:
            last_date = own_date
        venues = venues_in.get(si, [])
        here = by_sentence.get(si, [])
        # subjects of other verbs become antecedents in reading order: those before the
        # sentence's first cue now, the rest once its claims are resolved
        first_cue = min((r.cue_range[0] for r in here), default=len(text))
        agents = agents_in.get(si, [])
        for m, e in agents:
            if m.start < first_cue:
                registry.salient(e)
        for r in here:
            e = registry.resolve(r.mention) if r.mention else None
            if r.mention and r.mention.kind == "author":
                e = registry.resolve(r.mention)
            entity_of[id(r)] = e
            date = own_date or (e.last_date if e else "")
            date_of[id(r)] = date
            if e and own_date:
                e.last_date = own_date
            if venues and not r.source:
                v = min(venues, key=lambda v: abs(v.start - r.cue_range[0]))
                r.source = v.text
            if e and r.source:
                e.sources.append((si, r.source))
        for m, e in agents:
            if m.start >= first_cue:
                registry.salient(e)
        if venues and not here:
            # a sentence that only sets the scene gives the source of its agent's claims around it
            agent = _agent_of_setting(doc, si)
            if agent is not None:
                e = registry.resolve(_surface_mention(folded, agent))
                if e is not None:
                    for v in venues:
                        e.sources.append((si, v.text))
                    if own_date:
                        e.last_date = own_date

    out: list[tuple[Raw, Entity | None, str, Pack]] = []
    nested = _nested(raws)
    headline_end = doc.paras[0][1] if doc.paras else 0
    for r in raws:
        e = entity_of.get(id(r))
        role_only = e is not None and not e.keys and r.mention is not None and r.mention.kind == "role"
        if role_only and r.cue_range[0] < headline_end:
            # "…: भारतीय शोधकर्ता" in a headline, the researcher named only in the story below
            e = registry.named_later(e) or e
        if e is None and r.mention is not None and r.mention.kind in ("pronoun", "zero") and id(r) in nested:
            continue  # "Kerry said they had agreed …": a nested report with no one to attribute it to
        if e and not r.source and e.sources:
            si = doc.sent_at(r.cue_range[0])
            r.source = min(e.sources, key=lambda s: (abs(s[0] - si), s[0] > si))[1]
        out.append((r, e, date_of.get(id(r), ""), pack))
    return out


def _agent_of_setting(doc: Doc, si: int):
    """The agent of a sentence with a venue and no claim (pronoun or "X ने")."""
    pack, text = doc.pack, doc.text
    toks = doc.toks[si]
    if not toks:
        return None
    if pack.verb_final:
        for j, t in enumerate(toks):
            if t.text in pack.g("agent_markers"):
                return analyse(pack, text, left_np(pack, text, toks, j - 1), doc.sents[si].start)
            if t.text in pack.pronouns and t.text.endswith(tuple(pack.g("agent_markers"))):
                return analyse(pack, text, [t], doc.sents[si].start)
        return None
    m = analyse(pack, text, left_np(pack, text, toks, 0), doc.sents[si].start)
    return m if m and m.kind == "pronoun" else None


def _to_claim(folded: Folded, aid: str, pack: Pack, r: Raw, e: Entity | None, reg: Registry, date: str) -> Claim:
    """The claim in the article's own offsets and words."""
    text = folded.original
    if not folded.identity:
        r.content = folded.span(*r.content)
        r.cue_span = folded.span(*r.cue_range)
    m = r.mention
    flags = set(r.flags)
    if m and m.kind == "author":
        flags.add("author_voice")
    if r.cue.cue.author:
        speaker_type = "author"
    elif e is not None:
        speaker_type = e.type
    elif m is not None and m.kind in ("pronoun", "zero"):
        speaker_type = "person"
        flags.add("unresolved_speaker")
    else:
        speaker_type = "anonymous" if m is None else "person"
    confidence = _BASE_CONFIDENCE.get(m.kind if m else "author", 0.6)
    if r.kind == "direct":
        confidence += 0.05
    if "mental_state" in flags:
        confidence *= 0.6
    if "request" in flags:
        confidence *= 0.7
    if "unclosed_quote" in flags:
        confidence -= 0.15
    if "unresolved_speaker" in flags:
        confidence -= 0.2
    cs, ce = r.cue_range
    speaker_span = folded.span(m.start, m.end) if m else (-1, -1)
    role = m.role if m and m.role else ""
    if e is not None and e.roles and not role:
        role = "; ".join(e.roles)
    return Claim(
        article_id=aid,
        claim_id=claim_id_for(aid, r),
        content=text[r.content[0] : r.content[1]],
        content_start=r.content[0],
        content_end=r.content[1],
        kind=r.kind,
        cue=text[cs:ce],
        cue_start=cs,
        cue_end=ce,
        speaker=(e.name if e else ""),
        speaker_mention=m.text if m and m.kind != "author" or (m and m.text) else "",
        speaker_start=speaker_span[0],
        speaker_end=speaker_span[1],
        speaker_type=speaker_type,
        speaker_role=role,
        source=r.source,
        date=date,
        sentence_index=r.sentence,
        confidence=round(max(0.05, min(1.0, confidence)), 3),
        flags=sorted(flags),
        lang=pack.code,
        speaker_id=reg.speaker_id(e) if e else "",
    )


__all__ = ["extract_article", "article_id_for"]
