"""Speaker mentions: the noun phrase next to a cue, split into role and name.

"…के कमांडर कर्नल-जनरल आंद्रेई सेरड्यूकोव ने" gives the mention "कर्नल-जनरल आंद्रेई सेरड्यूकोव",
the name "आंद्रेई सेरड्यूकोव" and the role "कमांडर"; "रूसी कमांडर ने" is a role mention;
"उन्होंने" a pronoun; "जिन्होंने" a relative pronoun, which never speaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import regex

from claims.lang import Pack
from claims.pipeline.text import Token

LATIN = regex.compile(r"\p{Latin}")
_ACRONYM = regex.compile(r"(?:\p{Lu}\.)+\p{Lu}")
_LEADING_ARTICLE = regex.compile(r"^(?i:the|a|an)\s+")
_LEADING_THE = regex.compile(r"^(?i:the)\s+")


@dataclass
class Mention:
    """A speaker mention and what it says about the speaker."""

    start: int
    end: int
    text: str
    kind: str  # name | pronoun | role | anonymous | document | organization | group | author | relative
    name: str = ""  # the name without titles ("आंद्रेई सेरड्यूकोव"), for kind == name/organization
    name_tokens: list[str] = field(default_factory=list)
    role: str = ""
    head: str = ""  # the last word, lower-cased for role look-ups
    gender: str = ""
    plural: bool = False


def _lower(pack: Pack, w: str) -> str:
    return w if pack.verb_final else w.lower()


def _is_title(pack: Pack, tok: Token, text: str) -> bool:
    dotted = tok.text + "." if text[tok.end : tok.end + 1] == "." else ""
    return tok.text in pack.titles or (bool(dotted) and dotted in pack.titles)


@cache
def _boundaries(code: str) -> frozenset[str]:
    """Words that end a noun phrase read leftwards, for one pack."""
    from claims.lang import load

    pack = load(code)
    if pack.verb_final:
        keys = ("postpositions", "conjunctions", "agent_markers", "complementisers", "finite_verbs", "np_breakers")
        return frozenset().union(*(pack.g(k) for k in keys))
    return pack.g("conjunctions") | pack.g("np_breakers") | pack.relative_pronouns


def _boundary_word(pack: Pack, w: str) -> bool:
    return _lower(pack, w) in _boundaries(pack.code)


def _gap_ok(pack: Pack, text: str, left: Token, right: Token) -> bool:
    gap = text[left.end : right.start]
    if not gap or gap.isspace():
        return True
    # "Mr. Smith", "U.S. Sen. Jones": a full stop after an abbreviation or a title stays inside
    return (
        gap.startswith(".")
        and gap[1:].isspace()
        and bool(left.text in pack.abbreviations or _is_title(pack, left, text) or _ACRONYM.fullmatch(left.text))
    )


def left_np(pack: Pack, text: str, toks: list[Token], i: int, limit: int = 8) -> list[Token]:
    """The noun phrase whose last token is ``toks[i]``, read leftwards up to a boundary.

    Boundaries: punctuation between tokens (a comma, quote mark, bracket, dash), a postposition,
    conjunction or clause word of the pack, or ``limit`` tokens. A pronoun stands alone.
    """
    if i < 0:
        return []
    first = toks[i]
    if _lower(pack, first.text) in pack.pronouns or first.text in pack.relative_pronouns:
        return [first]
    if _boundary_word(pack, first.text) or _lower(pack, first.text) in pack.g("np_stop"):
        return []
    out = [first]
    j = i - 1
    while j >= 0 and len(out) < limit:
        t = toks[j]
        if not _gap_ok(pack, text, t, out[0]) or _boundary_word(pack, t.text):
            break
        if _lower(pack, t.text) in pack.pronouns or t.text in pack.relative_pronouns:
            break
        out.insert(0, t)
        if not pack.verb_final and t.text.lower() in pack.determiners:
            break  # "the", "a", "another" open an English noun phrase
        j -= 1
    # "कुछ ही दिनों में …" style words and English sentence adverbs do not start a mention
    while out and (_lower(pack, out[0].text) in pack.stop and not _is_title(pack, out[0], text)) and len(out) > 1:
        if _lower(pack, out[0].text) in pack.determiners:
            break  # "the", "a", "एक", "अन्य" open a noun phrase
        out.pop(0)
    owned = j >= 1 and toks[j].text in pack.g("genitive_markers")
    if pack.verb_final and owned and _describes_people(pack, first.text):
        # the fullest phrase of a role or group: "पुलिस के एक अधिकारी", "लैब के चिकित्सकों"
        owner = left_np(pack, text, toks, j - 1, limit=3)
        if owner and _gap_ok(pack, text, toks[j], out[0]) and not any(t.text in pack.pronouns for t in owner):
            out = owner + [toks[j]] + out
    return out


def _describes_people(pack: Pack, w: str) -> bool:
    """A role noun, its plural, or an unnamed source: heads whose owner belongs to the phrase."""
    lw = _lower(pack, w)
    return lw in pack.roles or lw in pack.role_plurals or lw in pack.anonymous


def _is_date_word(pack: Pack, w: str) -> bool:
    d = pack.dates
    return w in d.get("weekdays", ()) or w in d.get("months", ()) or w.lower() in d.get("relative", ())


def right_np(pack: Pack, text: str, toks: list[Token], i: int, limit: int = 7) -> list[Token]:
    """The noun phrase starting at ``toks[i]`` read rightwards ("…, said Mr. Smith, the …")."""
    out: list[Token] = []
    j = i
    while j < len(toks) and len(out) < limit:
        t = toks[j]
        if out and not _gap_ok(pack, text, out[-1], t):
            break
        lw = _lower(pack, t.text)
        if not (not out and lw in pack.determiners) and (
            _boundary_word(pack, t.text) or lw in pack.g("np_stop") or _is_date_word(pack, t.text)
        ):
            break
        out.append(t)
        j += 1
    return out


def analyse(pack: Pack, text: str, np: list[Token], sentence_start: int) -> Mention | None:
    """Classify a noun phrase as a speaker mention, or None when it cannot be a speaker."""
    if not np:
        return None
    # called for every capitalised run and sentence opening of an article: the pack's word sets
    # are read into locals and the lower-casing rule decided once
    vf = pack.verb_final
    last = np[-1]
    head = last.text if vf else last.text.lower()
    whole = text[np[0].start : last.end]
    relative = pack.relative_pronouns
    if last.text in relative or head in relative:
        return Mention(last.start, last.end, last.text, "relative", head=head)
    info = pack.pronouns.get(head)
    if info is not None:
        if info.get("self"):
            return None  # "I said" inside a quote: the quote's speaker, handled by quote frames
        return Mention(
            last.start,
            last.end,
            last.text,
            "pronoun",
            head=head,
            gender=info.get("gender", ""),
            plural=info.get("number") == "pl",
        )
    if last.text in pack.author_words:
        return Mention(last.start, last.end, last.text, "author", head=head)

    capital_head = not vf and last.text[:1].isupper() and last.start != sentence_start
    if head in pack.role_plurals and head not in pack.anonymous:
        # "विशेषज्ञ चिकित्सकों का कहना है": holders of a role, not one person named "चिकित्सकों"
        return Mention(np[0].start, last.end, whole, "group", name=whole, head=head, plural=True)
    own = np
    if vf:  # the phrase's own words, after an owner in the genitive ("पुलिस के एक अधिकारी" is an officer)
        marks = pack.g("genitive_markers")
        own = np[max((i + 1 for i, t in enumerate(np) if t.text in marks), default=0) :]
    # "कांग्रेस अध्यक्ष", "पुलिस अधीक्षक राकेश सिंह": a person holding a role in an organisation
    organizations = pack.organizations
    orgs = [i for i, t in enumerate(own) if (t.text if vf else t.text.lower()) in organizations]
    is_org = bool(orgs) and not (
        vf and any(_describes_people(pack, t.text) or t.text in pack.titles for t in own[orgs[-1] + 1 :])
    )
    if not capital_head and not is_org:
        if not vf and head.endswith("s") and head[:-1] in pack.roles and head not in pack.roles:
            # "top black lawmakers said": a group of role-holders, not one person
            return Mention(np[0].start, last.end, whole, "group", name=whole, head=head, plural=True)
        two = None
        if len(np) > 1:
            two = np[-2].text + " " + last.text
            two = two if vf else two.lower()
        for kind, listed in (("anonymous", pack.anonymous), ("document", pack.documents), ("role", pack.roles)):
            if head in listed or two in listed:
                gender = "m" if head in pack.male_roles else "f" if head in pack.female_roles else ""
                return Mention(
                    np[0].start,
                    last.end,
                    whole,
                    kind,
                    head=head,
                    gender=gender,
                    plural=kind == "anonymous" and head.endswith("s"),
                )

    # names: a run of name-like tokens at the right end, with titles just before them
    k = len(np)
    stop, roles, determiners = pack.stop, pack.roles, pack.determiners
    qualifiers = pack.g("role_qualifiers") if vf else frozenset()  # "प्रमुख सचिव स्वास्थ्य X": a portfolio
    while k > 0:
        t = np[k - 1]
        w = t.text
        if _is_title(pack, t, text):
            break
        if vf:
            if w in stop or w in roles or w in qualifiers or _boundary_word(pack, w) or w.isdigit():
                break
        elif not w[:1].isupper() or (lw := w.lower()) in determiners or lw in stop:
            break
        k -= 1
    if k == len(np) and k > 1 and np[-2].text in pack.abbreviations and last.text[:1].isupper():
        k -= 1  # after an honorific a title word is a surname: "Mr. King", "Ms. Bishop"
    names = np[k:]
    t0 = k
    while t0 > 0 and _is_title(pack, np[t0 - 1], text):
        t0 -= 1
    if names:
        if pack.verb_final:
            m_start = np[t0].start
            role_toks = np[:k]
        else:
            m_start = np[0].start
            role_toks = np[:k]
        while role_toks and role_toks[0].text in pack.abbreviations:
            role_toks = role_toks[1:]  # "Mr.", "Ms.": honorifics, not roles
        role = text[role_toks[0].start : role_toks[-1].end] if role_toks else ""
        if not pack.verb_final:
            role = _LEADING_ARTICLE.sub("", role)
        gender = ""
        for t in np[t0:k]:
            key = t.text + ("." if text[t.end : t.end + 1] == "." else "")
            if key in pack.male_titles or t.text in pack.male_titles:
                gender = "m"
            elif key in pack.female_titles or t.text in pack.female_titles:
                gender = "f"
        name = text[names[0].start : names[-1].end]
        if is_org and not pack.verb_final:
            name = _LEADING_THE.sub("", whole)
        elif is_org:  # "केंद्रीय स्वास्थ्य मंत्रालय": an organisation is named by its whole phrase
            names = own
            m_start = own[0].start
            name = text[m_start : last.end]
        return Mention(
            m_start,
            last.end,
            text[m_start : last.end],
            "organization" if is_org else "name",
            name=name,
            name_tokens=[t.text for t in names],
            role=role,
            head=head,
            gender=gender,
        )
    if is_org:
        return Mention(np[0].start, last.end, whole, "organization", name=whole, head=head)
    if pack.verb_final and any(_lower(pack, t.text) not in pack.stop for t in np):
        return Mention(np[0].start, last.end, whole, "group", name=whole, head=head)
    return None
