"""Language packs: per-language data behind one extraction engine.

Each pack is a folder ``claims/lang/<code>/`` holding ``pack.toml`` (cue phrases, pronouns,
titles, role nouns, venues, date words, quote marks, sentence rules, romanisation fixes).
Adding a language means adding a folder; the engine reads whatever packs exist.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import regex

from claims.lang.inflection import Form, expand, noun_forms
from claims.pipeline.normalise import fold_data

__all__ = ["Cue", "Form", "Pack", "available", "load", "detect", "script_letters"]


@dataclass(frozen=True)
class Cue:
    """One cue phrase of a pack, with every inflected form it stands for."""

    phrase: str
    forms: tuple[str, ...]
    cls: str = "speech"  # speech | mental | request
    object: bool = False  # content may stand before the cue as its object (verb-final languages)
    genitive: bool = False  # speaker marked by the genitive ("X का कहना है")
    author: bool = False  # the article's own voice ("हम आपको याद दिला दें")
    takes_object: bool = False  # an addressee follows the cue ("told Reuters that")
    participle: bool = False  # "…, saying …": speaker is the subject of the main clause
    intransitive: bool = False  # its perfective takes an unmarked subject ("ममता बोलीं")
    inflections: tuple[Form, ...] = ()  # each form with its aspect and agreement, when generated


@dataclass(frozen=True)
class Pack:
    """Everything the engine knows about one language. Build with :func:`load`."""

    code: str
    name: str
    scripts: tuple[str, ...]
    verb_final: bool
    sentence_end: tuple[str, ...]
    abbreviations: frozenset[str]
    dash_attribution: bool
    label_attribution: bool
    trailing_label: bool  # "content: Speaker" headlines
    quote_pairs: tuple[tuple[str, str], ...]
    grammar: dict[str, Any]
    stop: frozenset[str]
    determiners: frozenset[str]
    pronouns: dict[str, dict[str, Any]]
    relative_pronouns: frozenset[str]
    author_words: frozenset[str]
    titles: frozenset[str]
    male_titles: frozenset[str]
    female_titles: frozenset[str]
    roles: frozenset[str]
    male_roles: frozenset[str]
    female_roles: frozenset[str]
    anonymous: frozenset[str]
    anonymous_markers: tuple[str, ...]
    documents: frozenset[str]
    organizations: frozenset[str]
    org_kinds: dict[str, frozenset[str]]  # a generic noun ("पार्टी") and the organisations it names
    role_plurals: frozenset[str]  # plural forms of role nouns ("अधिकारियों", "चिकित्सकों"): groups
    cues: tuple[Cue, ...]
    according_before: tuple[str, ...]
    according_after: tuple[str, ...]
    according_pronoun: tuple[str, ...]  # after a genitive pronoun: "उनके अनुसार"
    according_not_sources: frozenset[str]  # "हालात के मुताबिक": as things are, nobody's words
    venues: dict[str, str]
    venue_markers: dict[str, Any]
    dates: dict[str, list[str]]
    romanise: dict[str, str] = field(default_factory=dict)
    stories: dict[str, Any] = field(default_factory=dict)  # dateline data (claims.pipeline.stories)
    surnames: frozenset[str] = frozenset()  # people named at a sentence start (claims.pipeline.persons)

    def g(self, key: str) -> frozenset[str]:
        """A word list from the pack's ``[grammar]`` table (empty when the pack has none)."""
        return _grammar_set(self.code, key)


@cache
def _grammar_set(code: str, key: str) -> frozenset[str]:
    return frozenset(load(code).grammar.get(key, ()))


@cache
def _available() -> tuple[str, ...]:
    root = resources.files(__name__)
    return tuple(sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "pack.toml").is_file()))


def available() -> list[str]:
    """Codes of the installed language packs, sorted (read once per process)."""
    return list(_available())


def _expand(phrase: str, light: dict[str, list[str]]) -> tuple[str, ...]:
    """Expand ``{किया}`` placeholders into every inflected form of the light verb."""
    forms = [""]
    for part in phrase.split(" "):
        placeholder = part.startswith("{") and part.endswith("}")
        options = light.get(part[1:-1], [part[1:-1]]) if placeholder else [part]
        forms = [(f + " " + o).strip() for f in forms for o in options]
    return tuple(dict.fromkeys(forms))


@cache
def load(code: str) -> Pack:
    """Load the pack for language ``code`` ("hi", "en").

    Raises ``ValueError`` naming the available packs when there is no such pack.
    """
    if code not in available():
        raise ValueError(f"no language pack {code!r}; available: {', '.join(available())}")
    raw = tomllib.loads((resources.files(__name__) / code / "pack.toml").read_text("utf-8"))
    # the engine matches on folded text (one spelling per word), so the pack's words are folded
    # too; romanisation fixes apply to names as written and stay as they are
    raw = {k: (v if k == "romanise" else fold_data(v)) for k, v in raw.items()}
    meta, words = raw["meta"], raw.get("words", {})
    light = raw.get("light_verbs", {})
    table, verbs = raw.get("inflection", {}), raw.get("verbs", {})
    explicators = tuple(raw.get("explicators", {}).get("stems", []))
    # cues come as [[cues]] blocks or, one per line, as "phrase" = { … } in [cue_phrases]
    entries = list(raw.get("cues", [])) + [{"phrase": k, **v} for k, v in raw.get("cue_phrases", {}).items()]
    cues = []
    for c in entries:
        inflections: tuple[Form, ...] = ()
        if table:
            inflections = tuple(expand(c["phrase"], verbs, table, explicators))
            forms = tuple(dict.fromkeys(f.text for f in inflections))
        else:
            forms = _expand(c["phrase"], light)
        stem = c["phrase"].rsplit("{", 1)[-1].rstrip("}") if "{" in c["phrase"] else ""
        cues.append(
            Cue(
                phrase=c["phrase"],
                forms=forms,
                cls=c.get("class", "speech"),
                object=c.get("object", False),
                genitive=c.get("genitive", False),
                author=c.get("author", False),
                takes_object=c.get("takes_object", False),
                participle=c.get("participle", False),
                intransitive=c.get("intransitive", verbs.get(stem, {}).get("intransitive", False)),
                inflections=inflections,
            )
        )
    lower = (lambda ws: frozenset(w.lower() for w in ws)) if code == "en" else frozenset
    return Pack(
        code=meta["code"],
        name=meta["name"],
        scripts=tuple(meta["scripts"]),
        verb_final=meta.get("verb_final", False),
        sentence_end=tuple(meta["sentence_end"]),
        abbreviations=frozenset(meta.get("abbreviations", [])),
        dash_attribution=meta.get("dash_attribution", False),
        label_attribution=meta.get("label_attribution", False),
        trailing_label=meta.get("trailing_label", False),
        quote_pairs=tuple(tuple(p) for p in raw["quotes"]["pairs"]),
        grammar=raw.get("grammar", {}),
        stop=frozenset(words.get("stop", [])),
        determiners=frozenset(words.get("determiners", [])),
        pronouns=raw.get("pronouns", {}),
        relative_pronouns=frozenset(raw.get("relative_pronouns", {}).get("words", [])),
        author_words=frozenset(raw.get("author", {}).get("words", [])),
        titles=frozenset(raw.get("titles", {}).get("words", [])),
        male_titles=frozenset(raw.get("titles", {}).get("male", [])),
        female_titles=frozenset(raw.get("titles", {}).get("female", [])),
        roles=lower(raw.get("roles", {}).get("words", [])),
        male_roles=lower(raw.get("roles", {}).get("male", [])),
        female_roles=lower(raw.get("roles", {}).get("female", [])),
        anonymous=lower(raw.get("anonymous", {}).get("words", [])),
        anonymous_markers=tuple(raw.get("anonymous", {}).get("markers", [])),
        documents=lower(raw.get("documents", {}).get("words", [])),
        organizations=lower(raw.get("organizations", {}).get("words", [])),
        org_kinds={k: lower(v) for k, v in raw.get("organizations", {}).get("kinds", {}).items()},
        role_plurals=frozenset(
            f.text for w in raw.get("roles", {}).get("words", []) for f in noun_forms(w, table.get("noun", {}))
        ),
        cues=tuple(cues),
        according_before=tuple(raw.get("according_to", {}).get("before_speaker", [])),
        according_after=tuple(raw.get("according_to", {}).get("after_speaker", [])),
        according_pronoun=tuple(raw.get("according_to", {}).get("after_pronoun", [])),
        according_not_sources=frozenset(raw.get("according_to", {}).get("not_sources", [])),
        venues=raw.get("venues", {}),
        venue_markers=raw.get("venue_markers", {}),
        dates=raw.get("dates", {}),
        romanise=raw.get("romanise", {}),
        stories=raw.get("stories", {}),
        surnames=frozenset(raw.get("names", {}).get("surnames", [])),
    )


@cache
def _script_pattern(code: str) -> regex.Pattern:
    return regex.compile("[" + "".join(rf"\p{{{name}}}" for name in load(code).scripts) + "]")


@cache
def _stop_lower(code: str) -> frozenset[str]:
    return frozenset(w.lower() for w in load(code).stop)


def script_letters(text: str) -> dict[str, int]:
    """Letters of each pack's scripts in ``text``: {"hi": 120, "en": 4}."""
    return {c: len(_script_pattern(c).findall(text)) for c in _available()}


def detect(text: str, default: str = "en") -> str:
    """Guess the language of ``text`` among the installed packs.

    Counts the letters of each pack's scripts over the first 5,000 characters and picks the pack
    with the most; packs sharing a script are told apart by their function words. Returns
    ``default`` for text with none of those letters.
    """
    sample = text[:5000]
    codes = _available()
    counts = script_letters(sample)
    best = max(counts.values(), default=0)
    if best == 0:
        return default
    top = [c for c in codes if counts[c] == best]
    if len(top) == 1:
        return top[0]
    words = set(sample.lower().split())
    return max(top, key=lambda c: len(words & _stop_lower(c)))
