"""Merges to suggest on the Speakers page: persons that are probably one, with the evidence.

The linker (:mod:`claims.store.linking`) makes a new person when a name fits several, and stores
made by older releases kept titles in names ("मुख्यमंत्री अरविंद केजरीवाल" beside "अरविंद केजरीवाल").
Two live persons of one type are suggested when their canonical names (titles, roles and stray
words off, romanised, so across scripts) are the same or one is a sub-name of the other. Each
suggestion says why: the names, the roles both were named with, and the other persons the shorter
name also fits (then the analyst should look before merging). Nothing is merged here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from claims.lang import available
from claims.pipeline.names import is_subname, skeleton
from claims.pipeline.normalise import fold_string
from claims.store.db import reading
from claims.store.linking import canonical
from claims.store.schema import claims, history, persons

MAX_BUCKET = 300  # persons sharing one last-name skeleton compared pairwise (a common surname)


@dataclass
class Suggestion:
    """Merge ``drop`` into ``keep`` (the one with more claims), with the evidence as sentences."""

    keep_id: int
    keep_name: str
    keep_claims: int
    drop_id: int
    drop_name: str
    drop_claims: int
    evidence: list[str] = field(default_factory=list)
    ambiguous: bool = False  # the shorter name fits other persons too
    score: float = 0.0


def _keys(name: str, type_: str) -> dict[str, tuple[str, ...]]:
    """The canonical keys of ``name`` under each pack (a stored person does not say which
    language named it, and each pack romanises its own script best), empty ones left out; and
    under ``"written"`` the canonical words joined as written, since romanising the parts of a
    name split in two can differ from the whole ("हर्ष वर्धन" / "हर्षवर्धन")."""
    found = {code: c for code in available() if (c := canonical(name, type_, code)).keys}
    out = {code: c.keys for code, c in found.items()}
    if found:
        words = min((c.words for c in found.values()), key=len)
        out["written"] = (fold_string("".join(words)).lower(),)
    return out


def _words(name: str, type_: str) -> int:
    """How many words the canonical name has (the fewest under any pack)."""
    return min((len(c.words) for code in available() if (c := canonical(name, type_, code)).words), default=0)


def _fit(
    a: dict[str, tuple[str, ...]], b: dict[str, tuple[str, ...]]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(shorter, longer) keys under the pack that fits the two names best: one where they are the
    same name (written as one word or two), else one where one is a sub-name of the other."""
    packs = sorted(a.keys() & b.keys())
    for code in packs:
        if "".join(a[code]) == "".join(b[code]):
            return (a[code], b[code]) if len(a[code]) <= len(b[code]) else (b[code], a[code])
    for code in packs:
        short, long_ = (a[code], b[code]) if len(a[code]) <= len(b[code]) else (b[code], a[code])
        if is_subname(list(short), list(long_)):
            return short, long_
    return None


def fingerprint(engine: Engine) -> tuple:
    """Changes whenever a suggestion could: persons made or merged, claims stored, moved or
    corrected (maxima of primary keys and one count over persons, so a page can keep its
    suggestions until then at the cost of a few index reads)."""
    with reading(engine) as conn:
        live = conn.execute(select(func.count(), func.max(persons.c.id)).where(persons.c.merged_into.is_(None))).one()
        last_claim = conn.execute(select(func.max(claims.c.id))).scalar()
        last_change = conn.execute(select(func.max(history.c.id))).scalar()
    return (*live, last_claim, last_change)


def suggest_merges(engine: Engine, limit: int = 30) -> list[Suggestion]:
    """Up to ``limit`` suggested merges, the best evidence first (shared roles, then an
    unambiguous fit, then the claims they would join)."""
    with reading(engine) as conn:
        counts = dict(
            conn.execute(
                select(claims.c.person_id, func.count())
                .where(claims.c.person_id.is_not(None))
                .group_by(claims.c.person_id)
            ).all()
        )
        rows = conn.execute(
            select(persons.c.id, persons.c.name, persons.c.type, persons.c.roles).where(persons.c.merged_into.is_(None))
        ).all()
    people = []
    for r in rows:
        keys = _keys(r.name, r.type)
        if keys:
            people.append((r, keys, set(json.loads(r.roles or "[]"))))
    buckets: dict[tuple[str, str], list] = {}
    for p in people:
        # by the last name's skeleton, and by the whole name's ("हर्ष वर्धन" is "हर्षवर्धन")
        for sk in (
            {skeleton(k[-1]) for c, k in p[1].items() if c != "written"}
            | {"=" + "".join(p[1]["written"])}
            | {"=" + skeleton("".join(k)) for c, k in p[1].items() if c != "written"}
        ):
            buckets.setdefault((p[0].type, sk), []).append(p)
    out: dict[tuple[int, int], Suggestion] = {}
    for bucket in buckets.values():
        if len(bucket) < 2 or len(bucket) > MAX_BUCKET:
            continue
        for i, (a, ka, ra) in enumerate(bucket):
            for b, kb, rb in bucket[i + 1 :]:
                if not (counts.get(a.id) and counts.get(b.id)):
                    continue  # a person with no claim (an article speaker only) is no work to merge
                fit = _fit(ka, kb)
                if fit is None or (min(a.id, b.id), max(a.id, b.id)) in out:
                    continue
                short_keys, long_keys = fit
                shorter = _words(a.name, a.type) <= _words(b.name, b.type)
                short, long_ = (a, b) if shorter else (b, a)
                fits = [
                    p for p, kp, _ in bucket if p.id not in (a.id, b.id) and _fit(_keys(short.name, short.type), kp)
                ]
                keep, drop = (a, b) if (counts.get(a.id, 0), -a.id) >= (counts.get(b.id, 0), -b.id) else (b, a)
                s = Suggestion(keep.id, keep.name, counts.get(keep.id, 0), drop.id, drop.name, counts.get(drop.id, 0))
                same = "".join(short_keys) == "".join(long_keys)
                if short_keys == long_keys and _words(a.name, a.type) == _words(b.name, b.type):
                    s.evidence.append(f"the same name once titles and roles are off: “{' '.join(short_keys)}”")
                elif same:
                    s.evidence.append(f"the same name written as one word and as two: “{short.name}”, “{long_.name}”")
                elif len(short_keys) == len(long_keys):
                    s.evidence.append(f"the same name in another spelling or script: “{short.name}”, “{long_.name}”")
                else:
                    s.evidence.append(f"“{short.name}” is part of the name “{long_.name}”")
                shared = sorted(ra & rb)
                if shared:
                    s.evidence.append("both named as " + ", ".join(shared) + " (roles, romanised)")
                if fits:
                    s.ambiguous = True
                    s.evidence.append(f"“{short.name}” also fits " + ", ".join(f"“{p.name}”" for p in fits[:3]))
                s.score = (2.0 if same else 1.0) + (1.0 if shared else 0.0) - (1.5 if s.ambiguous else 0.0)
                out[(min(a.id, b.id), max(a.id, b.id))] = s
    found = list(out.values())
    found.sort(key=lambda s: (-s.score, -(s.keep_claims + s.drop_claims), s.keep_id, s.drop_id))
    return found[:limit]
