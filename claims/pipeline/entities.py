"""Speaker entities of one article: resolve every mention to one person (or group, document…).

Resolution rules, in order of the article:
- a name joins the most recent entity whose name it is a (spelling-variant, cross-script)
  sub-name of, or whose name is a sub-name of it; otherwise it starts a new entity;
- a role noun ("रूसी कमांडर", "the spokesman") joins the latest entity given that role;
- a pronoun joins the latest speaker of a compatible gender and number.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from claims.lang import Pack
from claims.model import Speaker
from claims.pipeline.mentions import Mention
from claims.pipeline.names import is_subname, name_key, skeleton
from claims.pipeline.normalise import fold_string

_TYPE_OF_KIND = {
    "name": "person",
    "organization": "organization",
    "group": "group",
    "document": "document",
    "anonymous": "anonymous",
    "author": "author",
    "role": "person",
}


@dataclass
class Entity:
    index: int
    name: str
    type: str
    keys: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    gender: str = ""
    plural: bool = False
    last_seen: int = -1  # order of the latest mention, for recency
    positions: list[int] = field(default_factory=list)  # where the article names it, sorted
    last_date: str = ""
    sources: list[tuple[int, str]] = field(default_factory=list)  # (sentence index, source)

    def add_alias(self, alias: str) -> None:
        if alias and alias not in self.aliases:
            self.aliases.append(alias)

    def add_role(self, role: str) -> None:
        role = role.strip(" ,;")
        if role and role not in self.roles:
            self.roles.append(role)

    def role_words(self) -> set[str]:
        return {fold_string(w.lower().strip(",;")) for r in self.roles for w in r.split()}


class Registry:
    """The speaker entities of one article, built up mention by mention."""

    def __init__(self, packs: list[Pack], article_id: str):
        self.article_id = article_id
        self.entities: list[Entity] = []
        self._clock = 0
        self.story_start = 0
        # romanisation fixes of every language in the article: names cross scripts
        self._fixes = tuple(fx for pack in packs for fx in pack.romanise.items())
        self._by_skeleton: dict[str, list[Entity]] = {}
        self._org_kinds: dict[str, frozenset[str]] = {}
        for pack in packs:
            for kind, members in pack.org_kinds.items():
                self._org_kinds[kind] = self._org_kinds.get(kind, frozenset()) | members
        # "सीएम" is "मुख्यमंत्री": a role's short and long names count as one word
        self._role_synonyms = {
            fold_string(k): fold_string(v) for pack in packs for k, v in pack.grammar.get("role_synonyms", {}).items()
        }
        self._indefinites = frozenset(w for pack in packs for w in pack.g("indefinites"))
        self._function_words = frozenset(
            w.lower()
            for pack in packs
            for w in pack.stop | pack.determiners | pack.g("postpositions") | pack.g("genitive_markers")
        )

    def _touch(self, e: Entity) -> Entity:
        self._clock += 1
        e.last_seen = self._clock
        return e

    def _new(self, name: str, type_: str, **kw) -> Entity:
        e = Entity(len(self.entities), name, type_, **kw)
        e.add_alias(name)
        self.entities.append(e)
        return e

    def recent(self) -> list[Entity]:
        return sorted(self.entities, key=lambda e: -e.last_seen)

    def resolve(self, m: Mention) -> Entity | None:
        """The entity a mention refers to (created when new); None for an unresolvable pronoun."""
        if m.kind in ("pronoun", "zero"):
            return self._pronoun(m)
        if m.kind == "organization" and (e := self._generic_org(m)) is not None:
            return self._touch(e)
        if m.kind in ("name", "organization"):
            return self._touch(self._name(m))
        if m.kind == "role":
            return self._touch(self._role(m))
        if m.kind == "author":
            found = next((e for e in self.entities if e.type == "author"), None)
            return self._touch(found or self._new("", "author"))
        # anonymous sources, documents, groups: one entity per distinct wording
        key = m.text.lower()
        found = next(
            (e for e in self.entities if e.type == _TYPE_OF_KIND[m.kind] and key in (a.lower() for a in e.aliases)),
            None,
        )
        return self._touch(found or self._new(m.text, _TYPE_OF_KIND[m.kind], plural=m.plural))

    def known(self, m: Mention) -> Entity:
        """Note a name the article uses without it speaking (it is no antecedent for pronouns)."""
        clock = self._clock
        e = self._name(m)
        if e.last_seen < 0:
            e.last_seen = -1
        self._clock = clock
        return e

    def _generic_org(self, m: Mention) -> Entity | None:
        """ "पार्टी ने कहा" after "भाजपा ने …": a generic noun names the latest organisation whose
        name ends in it or that the pack lists under it."""
        word = fold_string(m.text.strip().lower())
        if word not in self._org_kinds:
            return None
        members = self._org_kinds[word]
        for e in self.recent():
            if e.type != "organization" or not self.in_story(e, m.start) or e.name == m.text:
                continue
            name = fold_string(e.name.lower())
            if name.endswith(word) or name in members or any(fold_string(a.lower()) in members for a in e.aliases):
                e.add_alias(m.text)
                return e
        return None

    def begin_story(self, pos: int) -> None:
        """A new story starts at ``pos`` (a daily file of many): nobody named before it is an
        antecedent for a pronoun, zero subject, role noun or generic noun any more."""
        self.story_start = pos
        for e in self.entities:
            e.last_seen = -1

    def in_story(self, e: Entity, pos: int) -> bool:
        """Whether the current story names ``e`` at or before ``pos``."""
        i = bisect.bisect_left(e.positions, self.story_start)
        return i < len(e.positions) and e.positions[i] <= pos

    def salient(self, e: Entity) -> Entity:
        """Note that the article makes a known entity the subject of a sentence ("X ने आदेश
        दिया"): a later pronoun or zero subject may refer to it."""
        return self._touch(e)

    def _name(self, m: Mention) -> Entity:
        keys = name_key(m.name_tokens or m.name.split(), self._fixes)
        type_ = _TYPE_OF_KIND[m.kind]
        # only entities sharing a consonant skeleton with one of the tokens can match
        candidates = {id(e): e for k in keys for e in self._by_skeleton.get(skeleton(k), ())}
        for e in sorted(candidates.values(), key=lambda e: -e.last_seen):
            if not e.keys or e.type not in ("person", "organization", "group"):
                continue
            if is_subname(keys, e.keys) or is_subname(e.keys, keys):
                if len(keys) > len(e.keys):
                    e.name, e.keys = m.name, keys  # the fullest form the article uses
                    self._index(e)
                e.add_alias(m.name)
                e.add_role(m.role)
                e.gender = e.gender or m.gender
                bisect.insort(e.positions, m.start)
                return e
        e = self._new(m.name, type_, keys=keys, gender=m.gender, positions=[m.start])
        e.add_role(m.role)
        self._index(e)
        return e

    def _index(self, e: Entity) -> None:
        for k in e.keys:
            bucket = self._by_skeleton.setdefault(skeleton(k), [])
            if e not in bucket:
                bucket.append(e)

    def named_later(self, role: Entity) -> Entity | None:
        """The first person named after ``role`` (an entity known only by a role noun, as in a
        headline) and given every word of that role: "भारतीय शोधकर्ता" in the headline, "भारतीय
        शोधकर्ता गगनदीप कांग" in the story. None when nobody fits."""
        same = self._role_synonyms
        words = {same.get(w, w) for w in role.role_words()} - self._function_words
        first = role.positions[0] if role.positions else -1
        fits = [
            e
            for e in self.entities
            if e.type == "person" and e.keys and e.positions and e.positions[0] > first
            and words <= {same.get(w, w) for w in e.role_words()}
        ]
        return min(fits, key=lambda e: e.positions[0]) if fits else None

    def _role(self, m: Mention) -> Entity:
        """The latest person the article gave every word of this role ("कर्नाटक के स्वास्थ्य मंत्री"
        is not the defence minister named before; "मंत्री" alone is the latest minister)."""
        first = fold_string(m.text.split()[0].lower()) if m.text else ""
        same = self._role_synonyms
        words = {same.get(w, w) for w in (fold_string(w.lower()) for w in m.text.split())} - self._function_words
        words.add(same.get(fold_string(m.head.lower()), fold_string(m.head.lower())))
        for e in self.recent() if first not in self._indefinites else ():
            held = {same.get(w, w) for w in e.role_words()}
            if e.type == "person" and words <= held and self.in_story(e, m.start):
                e.add_alias(m.text)
                return e
        e = self._new(m.text, "person", gender=m.gender, positions=[m.start])
        e.add_role(m.text)
        return e

    def _pronoun(self, m: Mention) -> Entity | None:
        for e in self.recent():
            if e.type in ("author", "document") or e.last_seen < 0:
                continue
            if m.gender and e.gender and m.gender != e.gender:
                continue
            if m.plural and not (e.plural or e.type in ("organization", "group", "anonymous")):
                continue
            if not m.plural and m.gender and e.type not in ("person",):
                continue
            return self._touch(e)
        return None

    def speaker_id(self, e: Entity) -> str:
        return f"{self.article_id}:s{e.index}"

    def speakers(self) -> list[Speaker]:
        return [
            Speaker(self.speaker_id(e), e.name, e.type, list(e.aliases), list(e.roles), e.gender) for e in self.entities
        ]
