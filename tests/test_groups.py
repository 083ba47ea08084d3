"""The same claim across articles (claims.store.grouping) and its verdict offered to the group
(claims.store.group_verdicts); on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from claims.inputs import Article
from claims.store import get_claim, history_of, ingest_text, set_status
from claims.store.accounts import PermissionDenied, add_user
from claims.store.bulk import bulk_ingest
from claims.store.group_verdicts import apply_verdict, group_verdict, offer_verdict
from claims.store.grouping import (
    forget_index,
    group_members,
    group_sizes,
    index_store,
    prepare,
    same_claim,
    term_sets,
)
from claims.store.schema import claim_terms, claims

KEJRIWAL = "मुख्यमंत्री अरविंद केजरीवाल ने कहा कि दिल्ली में कोरोना वायरस के 445 मामले सामने आए हैं और 40 केस लोकल ट्रांसमिशन के हैं।"
KEJRIWAL_2 = (
    "दिल्ली के मुख्यमंत्री अरविंद केजरीवाल ने बुधवार को कहा कि दिल्ली में कोरोना वायरस के 445 मामले सामने आए हैं "
    "और 40 केस लोकल ट्रांसमिशन के हैं।"
)
OTHER_NUMBER = "अरविंद केजरीवाल ने कहा कि दिल्ली में कोरोना वायरस के 523 मामले सामने आए हैं और 40 केस लोकल ट्रांसमिशन के हैं।"
BRIDGE = "Senator John Smith said that the new bridge will cost 40 million dollars and open in May next year."
BRIDGE_2 = "John Smith said on Tuesday that the new bridge will cost 40 million dollars and open in May next year."
RESIGN_A = 'John Smith said: "I will not resign from the committee before the elections in November."'
RESIGN_B = 'Mary Jones said: "I will not resign from the committee before the elections in November."'


def _claim(engine, article_id):
    with engine.connect() as conn:
        return conn.execute(select(claims).where(claims.c.article_id == article_id)).first()


def test_same_claim_across_articles_and_scripts_of_the_name(engine):
    a = ingest_text(engine, KEJRIWAL, article_key="au-1", outlet="Amar Ujala")
    b = ingest_text(engine, KEJRIWAL_2, article_key="nbt-1", outlet="Navbharat Times")
    ca, cb = _claim(engine, a.article_id), _claim(engine, b.article_id)
    assert ca.group_id is not None and ca.group_id == cb.group_id
    assert ca.person_id == cb.person_id  # one person, the title and role phrase stripped
    assert group_sizes(engine, [ca.group_id]) == {ca.group_id: (2, 2)}
    members = group_members(engine, ca.group_id)
    assert [m["id"] for m in members] == [ca.id, cb.id] and members[0]["representative"]


def test_must_not_group_same_words_other_speaker(engine):
    """The same words from another person mean something else ("I will not resign")."""
    a = ingest_text(engine, RESIGN_A, article_key="a")
    b = ingest_text(engine, RESIGN_B, article_key="b")
    ca, cb = _claim(engine, a.article_id), _claim(engine, b.article_id)
    assert ca.content == cb.content
    assert ca.person_id != cb.person_id
    assert ca.group_id is None and cb.group_id is None


def test_other_numbers_are_another_claim(engine):
    a = ingest_text(engine, KEJRIWAL, article_key="a")
    b = ingest_text(engine, OTHER_NUMBER, article_key="b")
    assert _claim(engine, a.article_id).group_id is None and _claim(engine, b.article_id).group_id is None


def test_rules_without_a_store():
    same = prepare(1, "the new bridge will cost 40 million dollars and open in May", "en", speaker="john smith")
    again = prepare(2, "The new bridge will cost 40 million dollars, and open in May", "en", speaker="john smith")
    doubt = prepare(3, "doubt that the new bridge will cost 40 million dollars and open in May", "en", speaker="x")
    fragment = prepare(4, "open in May", "en", speaker="john smith")
    hindi = prepare(5, "नई पुल की लागत 40 मिलियन डॉलर होगी और मई में खुलेगा", "hi")
    assert same_claim(same, again) > 0
    assert same_claim(same, doubt) == 0  # the polarity word turns it round
    assert same_claim(same, fragment) == 0  # a fragment is not the claim
    assert same_claim(same, hindi) == 0  # same language only


def test_bulk_ingest_joins_group_and_shows_its_verdict(engine):
    first = ingest_text(engine, BRIDGE, article_key="first")
    c1 = _claim(engine, first.article_id)
    set_status(engine, c1.id, "false", analyst="asha", note="The budget says 55 million.")
    counts = bulk_ingest(engine, [Article("later", BRIDGE_2, "later.txt", {})])
    assert counts.new == 1
    c2 = next(r for r in _all(engine) if r.id != c1.id)
    assert c2.group_id is not None and c2.group_id == _claim(engine, first.article_id).group_id
    verdict = group_verdict(engine, c2.group_id)
    assert verdict["id"] == c1.id and verdict["status"] == "false"
    assert c2.status != "false"  # shown, never applied without the analyst


def _all(engine):
    with engine.connect() as conn:
        return conn.execute(select(claims).order_by(claims.c.id)).all()


def _three(engine):
    ids = []
    for i, text in enumerate((BRIDGE, BRIDGE_2, BRIDGE.replace("Senator ", ""))):
        ids.append(_claim(engine, ingest_text(engine, text + " " * i, article_key=f"a{i}").article_id).id)
    rows = {r.id: r for r in _all(engine)}
    assert len({rows[i].group_id for i in ids}) == 1 and rows[ids[0]].group_id is not None
    return ids


def test_verdict_offered_and_applied_only_on_confirmation(engine):
    a, b, c = _three(engine)
    set_status(engine, a, "false", analyst="asha", note="Budget: 55 million.")
    set_status(engine, c, "true", analyst="ravi", note="Checked the tender.")  # a verdict of its own
    offer = offer_verdict(engine, a)
    assert [r["id"] for r in offer.fill] == [b] and [r["id"] for r in offer.differ] == [c]
    assert get_claim(engine, b)["status"] != "false"  # nothing applied by the offer
    versions = {r.id: r.version for r in _all(engine)}
    done = apply_verdict(engine, a, [(b, versions[b]), (c, versions[c])], analyst="asha")
    assert done.done == [b] and done.kept == [c]
    assert get_claim(engine, b)["status"] == "false" and get_claim(engine, b)["verdict_note"] == "Budget: 55 million."
    assert get_claim(engine, c)["status"] == "true"  # another analyst's verdict is not overwritten silently
    assert [(h.by, h.field, h.new) for h in history_of(engine, b)][-2:] == [
        ("asha", "status", "false"),
        ("asha", "verdict_note", "Budget: 55 million."),
    ]
    # named explicitly, it is overwritten; its own note stays
    done = apply_verdict(engine, a, [(c, get_claim(engine, c)["version"])], analyst="asha", overwrite=[c])
    assert done.done == [c]
    assert get_claim(engine, c)["status"] == "false" and get_claim(engine, c)["verdict_note"] == "Checked the tender."


def test_apply_checks_role_and_versions(engine):
    a, b, _ = _three(engine)
    set_status(engine, a, "false", analyst="asha")
    add_user(engine, "admin", "admin-password-1", "admin")
    add_user(engine, "vera", "viewer-password-1", "viewer")
    add_user(engine, "asha", "analyst-password-1", "analyst")
    version = get_claim(engine, b)["version"]
    with pytest.raises(PermissionDenied):
        apply_verdict(engine, a, [(b, version)], analyst="vera")
    assert get_claim(engine, b)["status"] != "false"
    set_status(engine, b, "misleading", analyst="admin")  # changed since the analyst was shown it
    done = apply_verdict(engine, a, [(b, version)], analyst="asha", overwrite=[b])
    assert done.done == [] and len(done.conflicts) == 1
    assert get_claim(engine, b)["status"] == "misleading"


def test_index_store_groups_claims_stored_before_grouping(engine):
    for i, text in enumerate((BRIDGE, BRIDGE_2)):
        ingest_text(engine, text, article_key=f"a{i}")
    with engine.begin() as conn:  # as a store upgraded from 0005: claims with no index and no group
        forget_index(conn)
        conn.execute(claims.update().values(group_id=None))
    indexed, grouped = index_store(engine)
    assert indexed == 2 and grouped == 2
    assert index_store(engine) == (0, 2)  # nothing left to index


def test_reextraction_indexes_changed_words_and_keeps_groups(engine):
    from claims.store import reextract

    a = ingest_text(engine, BRIDGE, article_key="a")
    b = ingest_text(engine, BRIDGE_2, article_key="b")
    cb = _claim(engine, b.article_id)
    gid = cb.group_id
    assert gid is not None
    with engine.begin() as conn:  # as an older extractor stored it: other words, no group, old index rows
        forget_index(conn, [cb.id])
        conn.execute(claims.update().where(claims.c.id == cb.id).values(content="the tunnel is closed", group_id=None))
        if conn.dialect.name == "postgresql":  # the index is the claim's term set there (migration 0012)
            conn.execute(term_sets.insert().values(claim_id=cb.id, terms="en:tunnel"))
        conn.execute(claim_terms.insert().values(term="en:tunnel", claim_id=cb.id))
    reextract(engine, b.article_id, analyst="asha")
    again = _claim(engine, b.article_id)
    assert again.content == cb.content and again.group_id == gid  # its words are back, and so is its group
    with engine.connect() as conn:
        terms = set(conn.execute(select(claim_terms.c.term).where(claim_terms.c.claim_id == cb.id)).scalars())
        if conn.dialect.name == "postgresql":
            kept = conn.execute(select(term_sets.c.terms).where(term_sets.c.claim_id == cb.id)).scalar_one()
            assert set(kept.split()) == terms  # each of its terms has a posting: none has 200 claims
    assert "en:tunnel" not in terms and "en:bridge" in terms
    assert _claim(engine, a.article_id).group_id == gid


def test_the_match_is_the_best_score_then_the_lowest_id_whose_group_fits():
    """_best reads candidates in id order and stops at a fitting 100; it picks what scoring every
    candidate and taking the best fitting one (lowest id on a tie) picks, whatever their order."""
    import itertools

    from claims.store.grouping import _best

    text = "the new bridge will cost 40 million dollars and open in May next year"
    c = prepare(100, text, "en", speaker="john smith")
    copy_late = prepare(9, text, "en", speaker="john smith")
    copy_early = prepare(4, text, "en", speaker="john smith")
    near = prepare(2, "the new bridge will cost 40 million dollars and open in May", "en", speaker="john smith")
    other = prepare(3, "the old tunnel will cost 40 million dollars and close in June", "en", speaker="john smith")
    # a group whose representative is another claim: its member matches, the group does not fit
    rep = prepare(1, "the old tunnel will cost 90 million dollars and close in June", "en", speaker="john smith")
    in_group = prepare(6, text, "en", speaker="john smith", group_id=77)
    reps = {77: rep}

    def reference(cands):
        scored = sorted(((same_claim(c, o), -o.id, o) for o in cands), key=lambda x: x[:2], reverse=True)
        fits = (o for s, _, o in scored if s > 0 and (o.group_id is None or same_claim(c, reps[o.group_id]) > 0))
        return next(fits, None)

    pool = [copy_late, copy_early, near, other, in_group]
    for n in range(len(pool) + 1):
        for cands in itertools.permutations(pool, n):
            got = _best(c, list(cands), reps)
            assert got is reference(cands), [o.id for o in cands]
    # token-set similarity is 100 for the claim whose words are all in this one as for a copy:
    # the lowest id of the 100s wins, and the copy in another claim's group never does
    assert _best(c, pool, reps) is near
    assert _best(c, [in_group, copy_late, copy_early], reps) is copy_early
    assert _best(c, [in_group, other], reps) is None
