"""Finding archive-wide persons by a typed name: any script, the common English spellings of
Hindi names, a compound name written as one word or two.

Linking at ingest (``claims.pipeline.names``) is strict on purpose: joining two people is worse
than missing a link. A search box can be looser, because it only lists people, each on its own
(two Modis stay two persons the analyst picks between). What it forgives, on both sides:

- the glide "y" next to a vowel: Sisodia = सिसोदिया ("sisodiya"), Tokaev = टोकायव, Thackeray = ठाकरे;
- "ck" for "k", anusvara before p/b as "m" (ट्रंप = "trnp" = Trump);
- word breaks: Harsh Vardhan = हर्षवर्धन, matched on the names' joined letters.

Token comparison is the linker's own (same consonant skeleton, close spelling), so "Tokarev" is
still not "Tokayev". An in-process index (person ids by skeleton) is rebuilt when persons change.
"""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache

from anyascii import anyascii
from sqlalchemy import Engine, func, select

from claims.lang import available, load
from claims.pipeline.names import is_subname, skeleton, tokens_match
from claims.store.db import reading
from claims.store.schema import persons

_GLIDE = re.compile(r"(?<=[aeiou])y|y(?=[aeiou])")
_NASAL = re.compile(r"n(?=[pb])")


@lru_cache(maxsize=1)
def _fixes() -> tuple[tuple[str, str], ...]:
    return tuple(fx for code in available() for fx in load(code).romanise.items())


@lru_cache(maxsize=262144)
def loose(token: str) -> str:
    """A name token as lower-case ASCII with the differences above written away."""
    for src, dst in _fixes():
        token = token.replace(src, dst)
    s = re.sub(r"[^a-z]", "", anyascii(token).lower())
    s = s.replace("ph", "f").replace("ck", "k").replace("ee", "i").replace("oo", "u").replace("w", "v")
    return _GLIDE.sub("", _NASAL.sub("m", s))


def keys(name: str) -> list[str]:
    return [k for part in re.split(r"[\s\-‐]+", name) if (k := loose(part))]


def _runs(ks: list[str]) -> list[str]:
    """The joined keys of every run of two or more consecutive tokens ("harsh"+"vardhan")."""
    return ["".join(ks[i:j]) for i in range(len(ks)) for j in range(i + 2, len(ks) + 1)]


def same_name(typed: list[str], name: list[str]) -> bool:
    """Whether a typed name (keys) names someone called ``name`` (keys): a sub-name either way,
    or the same letters once word breaks are ignored."""
    if not typed or not name:
        return False
    if is_subname(typed, name) or is_subname(name, typed):
        return True
    typed_runs, name_runs = _runs(typed), _runs(name)
    return any(tokens_match(a, b) for a in typed_runs for b in name + name_runs) or any(
        tokens_match(a, b) for a in typed for b in name_runs
    )


class _Index:
    def __init__(self, stamp: tuple, people: dict[int, tuple[str, list[list[str]]]]):
        self.stamp, self.people = stamp, people
        self.by_skeleton: dict[str, set[int]] = {}
        for pid, (_, names) in people.items():
            for ks in names:
                for k in ks + _runs(ks):
                    self.by_skeleton.setdefault(skeleton(k), set()).add(pid)

    def find(self, name: str) -> list[int]:
        typed = keys(name)
        if not typed:
            return []
        probe = {skeleton(k) for k in typed + _runs(typed)}
        candidates = set().union(*(self.by_skeleton.get(s, set()) for s in probe))
        return sorted(pid for pid in candidates if any(same_name(typed, ks) for ks in self.people[pid][1]))


_INDEXES: dict[str, _Index] = {}
_LOCK = threading.Lock()


def _stamp(engine: Engine) -> tuple:
    """Changes whenever a person is added, merged or loses an alias (a split)."""
    with reading(engine) as conn:
        return tuple(
            conn.execute(
                select(
                    func.max(persons.c.id), func.count(persons.c.merged_into), func.sum(func.length(persons.c.aliases))
                )
            ).one()
        )


def _index(engine: Engine) -> _Index:
    stamp, url = _stamp(engine), str(engine.url)
    index = _INDEXES.get(url)
    if index is not None and index.stamp == stamp:
        return index
    with _LOCK:
        with reading(engine) as conn:
            rows = conn.execute(
                select(persons.c.id, persons.c.name, persons.c.aliases).where(persons.c.merged_into.is_(None))
            ).all()
        people = {
            r.id: (r.name, [keys(n) for n in dict.fromkeys([r.name, *json.loads(r.aliases or "[]")])]) for r in rows
        }
        index = _INDEXES[url] = _Index(stamp, people)
    return index


def find_persons(engine: Engine, name: str) -> list[tuple[int, str]]:
    """``(id, name)`` of every live person the typed ``name`` can mean, each on its own."""
    index = _index(engine)
    return [(pid, index.people[pid][0]) for pid in index.find(name.replace("\x00", ""))]
