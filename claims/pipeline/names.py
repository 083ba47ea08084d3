"""Name matching across spellings and scripts: romanise, then compare with guards.

"Tokayev" in a Hindi article that earlier wrote "टोकायव" is one person; "उली" and "वली" are one
spelling variant; "Tokarev" and "Serdyuk" are not "Tokayev" and "Serdyukov".
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import fuzz

# Consonant classes that transliterations swap freely.
_SKELETON_MAP = str.maketrans({"w": "v", "c": "k", "q": "k", "z": "j", "x": "k"})
_VOWELS = set("aeiouy")
_NOT_LETTER = re.compile(r"[^a-z]")
_HYPHEN = re.compile(r"[-‐]")  # name parts: "कसीम-जोमार्ट" is two


@lru_cache(maxsize=65536)
def romanise(token: str, fixes: tuple[tuple[str, str], ...] = ()) -> str:
    """Lower-case ASCII key of one name token.

    ``fixes`` are a pack's replacements applied before anyascii (nukta letters, anusvara).
    Word-initial "v"/"w" before a consonant or a vowel sound written as "u" is normalised to "u",
    since Hindi writes the Kazakh "Uali" both as "उली" and "वली".
    """
    for src, dst in fixes:
        token = token.replace(src, dst)
    s = _NOT_LETTER.sub("", anyascii(token).lower())
    s = s.replace("ph", "f").replace("ee", "i").replace("oo", "u")
    if len(s) > 1 and s[0] in "vw" and s[1] not in _VOWELS - {"y"} or s.startswith(("va", "wa")) and len(s) > 3:
        s = "u" + s[1:]
    return s


@lru_cache(maxsize=65536)
def skeleton(key: str) -> str:
    """Consonant skeleton: vowels and "h" after a consonant dropped, doubles collapsed."""
    key = key.translate(_SKELETON_MAP)
    out: list[str] = []
    for i, ch in enumerate(key):
        if ch in _VOWELS and ch != "y":
            continue
        if ch == "h" and i and key[i - 1] not in _VOWELS:
            continue
        if ch == "y" and i and key[i - 1] not in _VOWELS and (i + 1 == len(key) or key[i + 1] not in _VOWELS):
            continue  # "y" as a vowel: "Kassym" = "कसीम"; as a glide ("Tokayev") it stays
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=262144)
def tokens_match(a: str, b: str) -> bool:
    """Whether two romanised name tokens are spellings of the same name.

    Both the consonant skeletons must agree (this keeps Tokayev/Tokarev and Serdyukov/Serdyuk
    apart) and the keys must be close (rapidfuzz ratio ≥ 75, since scripts differ in vowels).
    """
    if not a or not b:
        return False
    if a == b:
        return True
    if skeleton(a) != skeleton(b):
        return False
    return fuzz.ratio(a, b) >= 75 or (len(skeleton(a)) >= 3 and fuzz.ratio(a, b) >= 60)


def name_key(name_tokens: list[str], fixes: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Romanised keys of a name's tokens, hyphenated parts split ("कसीम-जोमार्ट" → two keys)."""
    keys: list[str] = []
    for tok in name_tokens:
        for part in _HYPHEN.split(tok) if "-" in tok or "‐" in tok else (tok,):
            k = romanise(part, fixes)
            if k:
                keys.append(k)
    return keys


def is_subname(short: list[str], full: list[str]) -> bool:
    """Whether every token of ``short`` matches a distinct token of ``full`` in order.

    "Tokayev" ⊂ "Kassym-Jomart Tokayev"; "Andrei" alone ⊂ "Andrei Serdyukov" too.
    """
    if not short or len(short) > len(full):
        return False
    j = 0
    for s in short:
        while j < len(full) and not tokens_match(s, full[j]):
            j += 1
        if j == len(full):
            return False
        j += 1
    return True
