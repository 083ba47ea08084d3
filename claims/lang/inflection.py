"""Inflection: every written form of a cue, generated from the stems a language pack names.

A pack lists a speech verb once, by stem ("कह"), and a compound cue once, as noun + light verb
("दावा {कर}"); the pack's ``[inflection]`` table gives the endings of each aspect for each
agreement slot and stem class, and its ``[verbs]`` table the irregular forms (करना: किया, की …).
This module multiplies them out, so that no form is ever listed by hand:

>>> table = {"habitual": {"any": {"ms": ["ता"], "f": ["ती"]}}}
>>> [(f.text, f.aspect, f.agree) for f in verb_forms("कह", table, {})]
[('कहता', 'habitual', 'ms'), ('कहती', 'habitual', 'f')]

Agreement slots: ``ms`` masculine singular, ``f`` feminine singular, ``mp`` masculine plural or
honorific, ``fp`` feminine plural or honorific, ``""`` none (infinitive, converb). Stem classes:
``aa`` (ends in "ा": बता), ``vowel`` (another vowel sign: दे), ``consonant`` (कह); ``any`` applies
to every stem. A form's aspect tells the frames what marks its subject: a transitive perfective
takes the agent marker ("X ने कहा"), every other aspect an unmarked subject ("X कहते हैं").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ASPECTS = ("perfective", "habitual", "progressive", "future", "infinitive", "stem")
_VOWEL_SIGNS = {chr(c) for c in range(0x093E, 0x094D)}  # ा … ौ


@dataclass(frozen=True)
class Form:
    """One written form of a cue: its text, aspect and agreement slot."""

    text: str
    aspect: str
    agree: str = ""


def stem_class(stem: str) -> str:
    """``aa``, ``vowel`` or ``consonant``, by the stem's last character."""
    last = stem[-1:]
    if last == "ा":
        return "aa"
    if last in _VOWEL_SIGNS:
        return "vowel"
    return "consonant"


def verb_forms(stem: str, table: Mapping[str, Any], irregular: Mapping[str, Any]) -> list[Form]:
    """Every form of the verb ``stem``: for each aspect of ``table``, the endings of the stem's
    class (or of ``any``) per agreement slot; an aspect given in ``irregular`` (the verb's entry
    in the pack's ``[verbs]`` table, e.g. ``perfective = {ms = ["किया"], …}``) replaces the
    generated forms. ``stem`` itself is a form of aspect ``stem`` (the base before an explicator:
    "कह दिया")."""
    out: list[Form] = [Form(stem, "stem")]
    cls = stem_class(stem)
    for aspect, by_class in table.items():
        if aspect not in ASPECTS:
            continue  # e.g. the noun table
        if aspect in irregular:
            slots = irregular[aspect]
            out.extend(Form(w, aspect, slot) for slot, words in slots.items() for w in words)
            continue
        slots = by_class.get(cls) or by_class.get("any") or {}
        out.extend(Form(stem + ending, aspect, slot) for slot, endings in slots.items() for ending in endings)
    return out


def noun_forms(noun: str, table: Mapping[str, Any]) -> list[Form]:
    """Inflected forms of a noun from the pack's ``[inflection.noun]`` table, keyed by the
    noun's ending (the longest that fits; ``""`` for any other): each slot maps to
    ``[cut, add]`` pairs, the ending cut and what is added ("अधिकारी" → "अधिकारियों")."""
    if " " in noun:
        head, _, last = noun.rpartition(" ")
        return [Form(f"{head} {f.text}", f.aspect, f.agree) for f in noun_forms(last, table)]
    ending = max((e for e in table if e and noun.endswith(e)), key=len, default="")
    out = []
    for slot, rules in table.get(ending, {}).items():
        for cut, add in rules:
            out.append(Form(noun[: len(noun) - len(cut)] + add, "noun", slot))
    return out


def _placeholder(part: str) -> str | None:
    return part[1:-1] if part.startswith("{") and part.endswith("}") else None


def expand(
    phrase: str,
    verbs: Mapping[str, Any],
    table: Mapping[str, Any],
    explicators: Iterable[str] = (),
) -> list[Form]:
    """Every form of a cue phrase: ``{कह}`` stands for every form of the verb कहना, ``दावा {कर}``
    for "दावा" followed by every form of करना. Words without braces are kept as written. A phrase
    with no placeholder is one form of aspect ``fixed``.

    ``explicators`` are the stems of verbs that follow a main verb's stem and carry its
    inflection ("कह दिया", "भरोसा दिला दिया"): each perfective of theirs is added after the
    placeholder verb's stem.
    """
    parts = phrase.split(" ")
    holes = [i for i, p in enumerate(parts) if _placeholder(p) is not None]
    if not holes:
        return [Form(phrase, "fixed")]
    i = holes[-1]  # the inflected verb is the last placeholder; earlier ones keep their stem
    stem = _placeholder(parts[i]) or ""
    head = " ".join(_placeholder(p) or p for p in parts[:i])
    tail = " ".join(parts[i + 1 :])
    forms = verb_forms(stem, table, verbs.get(stem, {}))
    for ex in explicators:
        if ex == stem:
            continue
        forms += [
            Form(f"{stem} {f.text}", f.aspect, f.agree)
            for f in verb_forms(ex, table, verbs.get(ex, {}))
            if f.aspect == "perfective"
        ]
    out = []
    for f in forms:
        if f.aspect == "stem":
            continue
        out.append(Form(" ".join(x for x in (head, f.text, tail) if x), f.aspect, f.agree))
    return list(dict.fromkeys(out))
