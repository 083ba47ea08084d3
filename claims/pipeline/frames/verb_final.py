"""Verb-final frames (Hindi): "X ने कहा कि …", "… का आभार व्यक्त किया", "रिपोर्ट में कहा गया है कि …".

The speaker stands before the cue, marked by the agent marker ("ने") or the genitive ("X का कहना
है"); the content follows the complementiser, or stands before an object cue as its object.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import regex

from claims.lang import Pack
from claims.pipeline import context
from claims.pipeline.cues import CueMatch
from claims.pipeline.frames.base import (
    AGENT_REACH,
    LOOKAHEAD,
    Doc,
    Raw,
    cue_flags,
    extend_over_quote,
    kind_of,
    speech_to_paragraph_end,
    trim,
    word_count,
)
from claims.pipeline.mentions import LATIN, Mention, analyse, left_np
from claims.pipeline.text import tokens

ROLE_REACH = 400  # characters before a name read for its appositive roles
ROLE_SEGMENTS = 4  # comma-separated roles, at most
_SEG_WORD = regex.compile(r"[\p{L}\p{M}\p{N}.-]+")
_ADVERBIAL = regex.compile(r"\s(?:को|में)\s(?=[^,]*$)")


def role_segments(doc: Doc, si: int, m: Mention) -> None:
    """Appositive roles before a name in verb-final text, comma-separated:
    "…के कमांडर, रूसी एयरबोर्न फोर्सेज के कमांडर कर्नल-जनरल आंद्रेई सेरड्यूकोव ने"."""
    if m.kind not in ("name",):
        return
    pack, text = doc.pack, doc.text
    # roles stand right before the name: a bounded window keeps a sentence of a megabyte linear
    segs = text[max(doc.sents[si].start, m.start - ROLE_REACH) : m.start].split(",")[-ROLE_SEGMENTS:]
    roles: list[str] = []
    for n, seg in enumerate(reversed(segs)):
        words = _SEG_WORD.findall(seg.rstrip()[-60:])  # only the last word decides
        if not words:
            if n == 0:
                continue
            break
        last = words[-1]
        if last in pack.roles or last in pack.titles:
            # a date or time adverbial before the role is not part of it
            tail = _ADVERBIAL.split(seg.strip()) if n == 0 else [seg.strip()]
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


def _genitive_pronoun(pack: Pack, w: str) -> bool:
    """ "उनका", "इनके", "उसकी": a pronoun in the genitive (the speaker of "उनका कहना है")."""
    return w in pack.pronouns and w.endswith(tuple(pack.g("genitive_markers")))


def _past_relative_clause(doc: Doc, si: int, j: int) -> int:
    """Index of the last token before a relative clause set off by commas that ends at token
    ``j`` ("X, जो अब आयोग के सदस्य हैं, ने कहा": from "हैं" back to "X"); ``j`` when there is none."""
    pack, text, toks = doc.pack, doc.text, doc.toks[si]
    if j < 1 or "," not in text[toks[j].end : toks[j + 1].start if j + 1 < len(toks) else toks[j].end + 3]:
        return j
    for k in range(j, max(0, j - AGENT_REACH), -1):
        if "," in text[toks[k - 1].end : toks[k].start]:
            return k - 1 if toks[k].text in pack.relative_pronouns else j
    return j


def agent_before(doc: Doc, si: int, j: int) -> Mention | None:
    """The agent before the agent marker ``toks[j]`` of sentence ``si`` (read once per document;
    each caller gets its own copy, since resolution fills in a mention's words and gender)."""
    toks = doc.toks[si]
    key = toks[j].start
    if key not in doc.agents:
        pack, text = doc.pack, doc.text
        m = analyse(pack, text, left_np(pack, text, toks, _past_relative_clause(doc, si, j - 1)), doc.sents[si].start)
        if m:
            role_segments(doc, si, m)
        doc.agents[key] = m
    m = doc.agents[key]
    return dataclasses.replace(m, name_tokens=list(m.name_tokens)) if m else None


def _ergative(doc: Doc, si: int, cue: CueMatch, ci: int) -> tuple[Mention | None, int] | None:
    """The agent marked by "ने" (or an agent pronoun, "उन्होंने") to the left of the cue; None when
    a finite verb, complementiser or relative pronoun says the clause has none."""
    pack, text, toks = doc.pack, doc.text, doc.toks[si]
    start = doc.sents[si].start
    markers, converbs, finite = pack.g("agent_markers"), pack.g("converb_markers"), pack.g("finite_verbs")
    stops = finite | pack.g("complementisers") | pack.relative_pronouns
    endings = tuple(pack.g("converb_endings"))
    for j in range(ci - 1, max(-1, ci - 1 - AGENT_REACH), -1):
        w = toks[j].text
        if w in markers:
            return agent_before(doc, si, j), toks[j].end
        if _ergative_pronoun(pack, w):
            return analyse(pack, text, [toks[j]], start), toks[j].end
        if w not in stops and w not in converbs:
            continue
        if w in converbs and j and toks[j - 1].text.endswith(endings):
            continue  # "आरोप लगाते हुए कहा": a converb, not the finite verb of another clause
        if w in finite and j + 1 < ci and _adjectival(doc, toks, j):
            continue  # "खड़े हुए विवाद को लेकर", "को दिए साक्षात्कार में": a participle before a noun
        if w in stops:
            return None
    return None


def _adjectival(doc: Doc, toks: list, j: int) -> bool:
    """Whether the verb form ``toks[j]`` modifies the noun right after it (nothing between them
    but a space, and the next word is no verb, auxiliary, particle or clause word)."""
    pack, nxt = doc.pack, toks[j + 1]
    if doc.text[toks[j].end : nxt.start].strip():
        return False
    closed = ("finite_verbs", "tense_auxiliaries", "conjunctions", "complementisers", "postpositions", "negators")
    return not any(nxt.text in pack.g(k) for k in closed) and nxt.text not in pack.relative_pronouns


def _skippable(doc: Doc, toks: list, j: int) -> int:
    """How many tokens ending at ``j`` stand between an unmarked subject and its verb: adverbs
    and particles ("लगातार", "भी", "यह"), a date with its "को" ("मंगलवार को")."""
    pack = doc.pack
    w = toks[j].text
    if w in pack.g("subject_adverbs"):
        return 1
    if w in pack.dates.get("date_particles", ()) and j:
        prev = toks[j - 1].text
        d = pack.dates
        if prev.isdigit() or prev in d.get("weekdays", ()) or prev in d.get("months", ()):
            k = j - 1
            while k > 0 and (toks[k - 1].text.isdigit() or toks[k - 1].text in d.get("months", ())):
                k -= 1
            return j - k + 1
    return 0


_SUBJECT_KINDS = ("name", "pronoun", "role", "anonymous", "organization", "group", "document")


def _unmarked_subject(doc: Doc, si: int, cue: CueMatch, ci: int) -> Mention | None:
    """The unmarked subject of a non-perfective or intransitive cue: the noun phrase before the
    verb phrase, across adverbs and dates ("मंत्री लगातार कह रहे हैं", "वह यह भी मानती हैं"),
    agreeing with the verb in gender ("कहती हैं" is said by a woman)."""
    pack, text, toks = doc.pack, doc.text, doc.toks[si]
    j = ci - 1
    while j >= 0 and (n := _skippable(doc, toks, j)):
        j -= n
    if j < 0 or "," in text[toks[j].end : cue.start] and not pack.g("subject_adverbs") & {toks[j].text}:
        return None
    m = analyse(pack, text, left_np(pack, text, toks, _past_relative_clause(doc, si, j)), doc.sents[si].start)
    if m is None or m.kind not in _SUBJECT_KINDS:
        return m if m is not None and m.kind == "relative" else None
    if m.kind == "pronoun" and _genitive_pronoun(pack, m.text):
        return None
    gender = {"f": "f", "fp": "f", "ms": "m", "mp": "m"}.get(cue.agree, "")
    if gender and m.gender and m.gender != gender:
        return None
    if m.kind in ("name", "role", "pronoun"):
        m.gender = m.gender or gender
    if m.kind == "name":
        role_segments(doc, si, m)
    return m


def _clause_start(doc: Doc, si: int, ci: int) -> bool:
    """Whether the cue opens its clause ("बताया कि …" at a sentence start, after "साथ ही,", after
    a comma: "X ने सरकार को लताड़ा, बोले -"): its subject is the speaker before (a zero subject)."""
    toks, text = doc.toks[si], doc.text
    k = ci
    while k > 0 and toks[k - 1].text in doc.pack.g("clause_openers"):
        k -= 1
    return k == 0 or "," in text[toks[k - 1].end : toks[k].start]


def vf_agent(doc: Doc, si: int, cue: CueMatch) -> tuple[Mention | None, int]:
    """Speaker of a verb-final cue and where the middle (object) span starts.

    - a genitive cue: the noun phrase or pronoun in the genitive before it ("X का कहना है",
      "उनका मानना है");
    - a transitive perfective ("कहा", "आरोप लगाया"): the agent marked by "ने" or an agent
      pronoun, read leftwards; a finite verb or a complementiser on the way means the marker
      belongs to another clause;
    - any other aspect, and intransitive verbs ("कहते हैं", "कह रहे हैं", "बोलीं"): the
      unmarked subject before the verb phrase;
    - a cue opening its sentence with no subject ("बताया कि …"): a zero mention, resolved to the
      speaker before.
    Without a marker, the noun phrase right before a perfective counts only when it is a
    Latin-script name, a pronoun or a role (machine-translated "Tokayev सूचित किया").
    """
    pack, text = doc.pack, doc.text
    toks = doc.toks[si]
    ci = doc.tok_index(si, cue.start)
    start = doc.sents[si].start
    if cue.cue.genitive:
        if ci and toks[ci - 1].text in pack.g("genitive_markers"):
            return analyse(pack, text, left_np(pack, text, toks, ci - 2), start), cue.start
        if ci and _genitive_pronoun(pack, toks[ci - 1].text):
            return analyse(pack, text, [toks[ci - 1]], start), cue.start
        return None, cue.start
    if not cue.ergative:
        m = _unmarked_subject(doc, si, cue, ci)
        if m is None and _clause_start(doc, si, ci):
            return Mention(-1, -1, "", "zero"), cue.start
        return m, cue.start
    found = _ergative(doc, si, cue, ci)
    if found is not None:
        return found
    # no agent marker: machine-translated or colloquial order ("Tokayev सूचित किया", "वह बोले")
    if ci and not text[toks[ci - 1].end : cue.start].strip():
        m = analyse(pack, text, left_np(pack, text, toks, ci - 1), start)
        if m and (m.kind in ("pronoun", "role", "anonymous") or (m.kind == "name" and LATIN.search(m.name))):
            return m, cue.start
    if _clause_start(doc, si, ci):
        return Mention(-1, -1, "", "zero"), cue.start
    return None, cue.start


# speakers whose bare speech ("सीएम ने कहा महाराष्ट्र में …") is read without कि, comma or quote
_BARE_SPEAKERS = ("name", "pronoun", "role", "anonymous")


def _complement(
    doc: Doc, si: int, cue: CueMatch, lookahead: int = 6, bare: bool = False
) -> tuple[int, int] | None:
    """Content after a cue: after the complementiser, a colon, or a following quotation; with
    ``bare``, also speech that follows a speech verb with no mark at all."""
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
        return (a, extend_over_quote(doc, a, b)) if b > a else None
    speech = cue.cue.cls == "speech" and not cue.cue.object and pack.verb_final
    if speech and off > cue.end and after.lstrip()[:1] in ",-–—" and word_count(doc, off, sent.end) >= 2:
        # unquoted speech after "ने कहा," / "बोले -", to the end of its paragraph
        a, b = trim(text, off, sent.end)
        return (a, speech_to_paragraph_end(doc, a, si)) if b > a else None
    toks = doc.toks[si]
    ci = doc.tok_index(si, cue.end)
    comps = pack.g("complementisers")
    for k in range(ci, min(len(toks), ci + lookahead)):
        if toks[k].text in comps:
            if "," in text[cue.end : toks[k].start] and k > ci:
                break
            a, b = trim(text, toks[k].end, sent.end)
            return (a, extend_over_quote(doc, a, b)) if b > a else None
        if not pack.verb_final:
            break
    if speech and bare and after[:1].isspace() and after.lstrip()[:1].isalnum() and word_count(doc, off, sent.end) >= 4:
        return _bare_speech(doc, si, cue, off)
    return None


def _in_relative_clause(doc: Doc, si: int, m: Mention) -> bool:
    """Whether the speaker phrase follows a relative pronoun ("जिस डॉक्टर ने … बताया उसे …")."""
    j = doc.tok_index(si, m.start) - 1
    return 0 <= j < len(doc.toks[si]) and doc.toks[si][j].text in doc.pack.relative_pronouns


def _bare_speech(doc: Doc, si: int, cue: CueMatch, off: int) -> tuple[int, int] | None:
    """ "सीएम ने कहा महाराष्ट्र में …": speech with no mark at all after a speech verb, to the end of
    its paragraph; not when the verb is a participle ("विशेषज्ञों के बताए कदमों"), when a
    conjunction goes on with another verb ("… के लिए कहा तथा …"), or when the verb's object
    follows ("ने कही ऐसी बात"). "की"/"के" written for "कि" are skipped."""
    pack, text, toks = doc.pack, doc.text, doc.toks[si]
    ci = doc.tok_index(si, cue.start)
    k = doc.tok_index(si, off)
    if k >= len(toks) or (ci and toks[ci - 1].text in pack.g("genitive_markers")):
        return None
    first = toks[k].text
    if first in pack.g("conjunctions") or first in pack.g("speech_objects"):
        return None
    if first in pack.g("complementiser_typos"):
        off = toks[k].end
    a, b = trim(text, off, doc.sents[si].end)
    return (a, speech_to_paragraph_end(doc, a, si)) if word_count(doc, a, b) >= 3 else None


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
        if toks and toks[-1].text in pack.g("object_markers") | pack.g("subject_adverbs"):
            a, b = trim(text, a, toks[-1].start)
            continue
        break
    toks = tokens(text, a, b)
    for k in range(len(toks) - 1, 0, -1):
        if toks[k].text in pack.g("converb_markers") and toks[k - 1].text.endswith(tuple(pack.g("converb_endings"))):
            # "… की सराहना करते हुए उस योजना का जिक्र किया": the object follows the converb
            a = trim(text, toks[k].end, b)[0]
            toks = toks[k + 1 :]
            break
    if word_count(doc, a, b) < 2 or (toks and toks[0].text in pack.g("anaphoric")):
        return None  # "इस बात का खंडन किया": the object points back, it states nothing itself
    m = analyse(pack, text, toks, -1)
    if m is not None and m.kind == "name" and m.start == a and m.end == b:
        return None  # "मोदी का भी जिक्र किया": mentioning a person states nothing
    return a, b


@cache
def _converb_words(code: str) -> list[list[str]]:
    from claims.lang import load

    return [[w] for w in load(code).g("converb_markers")]


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
        if ci and toks[ci - 1].text in pack.g("negators"):
            continue  # "कुछ नहीं कहेंगे": no statement
        if cue.aspect == "habitual" and text[cue.end : cue.end + 8].split()[:1] in _converb_words(pack.code):
            continue  # "करार देते हुए कहा": a converb, the cue is the verb after it
        if cue.cue.author:
            continue  # "बता दें कि": the narrator's own voice is no claim (it is read so that no one else's is)
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
                    c = (a, b) if word_count(doc, a, b) >= 3 else None
                if c:
                    out.append(Raw(c, cue, m, kind_of(doc, *c), si, cue_flags(cue)))
            continue
        m, mid = vf_agent(doc, si, cue)
        if m is None or m.kind == "relative":
            continue
        c = _complement(doc, si, cue, bare=m.kind in _BARE_SPEAKERS and not _in_relative_clause(doc, si, m))
        if c is None and cue.cue.object and mid < cue.start:
            c = _object(doc, mid, cue.start, si)
        if c is None:
            continue
        out.append(Raw(c, cue, m, kind_of(doc, *c), si, cue_flags(cue)))
    return out
