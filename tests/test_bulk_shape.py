"""A bulk load formats a new claim's COPY text straight from the claim: it must say what the
claim's row says, column by column, and read the claim for grouping as the row reads."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claims import extract_article
from claims.model import Claim, Extraction
from claims.store.bulk import _claim_copy, _claim_rows, _claim_texts, _copy_statics, _shape
from claims.store.statuses import load_statuses

STATUSES = load_statuses()
# a claim's text can hold anything a page held: tabs, newlines, backslashes, any script
TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
INTS = st.integers(min_value=-1, max_value=10**6)
CLAIMS = st.builds(
    Claim,
    article_id=TEXTS,
    claim_id=TEXTS,
    content=TEXTS,
    content_start=INTS,
    content_end=INTS,
    kind=TEXTS,
    cue=TEXTS,
    cue_start=INTS,
    cue_end=INTS,
    speaker=TEXTS,
    speaker_mention=TEXTS,
    speaker_start=INTS,
    speaker_end=INTS,
    speaker_type=st.sampled_from(["person", "organisation", "unknown"]),
    speaker_role=TEXTS,
    source=TEXTS,
    date=TEXTS,
    sentence_index=INTS,
    confidence=st.floats(min_value=0, max_value=1),
    flags=st.lists(TEXTS, max_size=3),
    lang=st.sampled_from(["en", "hi", ""]),
    speaker_id=TEXTS,
)
CHECKS = st.one_of(
    st.none(),
    st.builds(
        lambda score, reasons: {"checkworthy": score, "checkworthy_reasons": reasons},
        st.floats(min_value=0, max_value=1),
        TEXTS,
    ),
)


def _as_rows(cols: tuple[str, ...], lines: list[str]) -> list[dict[str, str]]:
    return [dict(zip(cols, line.split("\t"), strict=True)) for line in lines]


def _same_as_rows(ex: Extraction, checks: list | None) -> None:
    cols, lines, texts = _claim_copy(ex, checks, STATUSES)
    rows = _claim_rows(ex, checks, STATUSES)
    row_cols, row_lines = _copy_statics(rows)
    if rows:  # (no rows: no columns to COPY)
        assert sorted(cols) == sorted(row_cols)
    assert _as_rows(cols, lines) == _as_rows(row_cols, row_lines)
    assert texts == _claim_texts(rows)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(CLAIMS, CHECKS), max_size=4))
def test_the_copy_text_of_any_claim_is_its_rows(claims_and_checks):
    claims = [c for c, _ in claims_and_checks]
    checks = [check for _, check in claims_and_checks]
    _same_as_rows(Extraction("a", "en", claims, []), checks)


def test_the_copy_text_of_real_claims_is_their_rows():
    said = (
        'Senator John Smith said that the new bridge will cost 40 million dollars. "We will open it\tin May," '
        "he told reporters. Mayor Ana Ruiz said taxes would not rise. उन्होंने कहा कि सरकार 147 नए केस देखेगी।"
    )
    ex = extract_article(said, article_id="r1")
    assert len(ex.claims) >= 3
    _same_as_rows(ex, None)  # scored here
    _same_as_rows(ex, [{"checkworthy": 0.5, "checkworthy_reasons": '["a \\\\ b"]'}] * len(ex.claims))


def test_a_value_the_fast_copy_does_not_know_falls_back_to_the_rows():
    ex = extract_article("Senator John Smith said that the new bridge will cost 40 million dollars.", article_id="f")
    ex.claims[0].confidence = complex(1, 0)  # no COPY text for it: psycopg formats the rows instead
    assert _claim_copy(ex, None, STATUSES) is None
    shaped = _shape(ex, None, STATUSES, pg=True)
    assert shaped.copy is None and shaped.rows is not None and shaped.texts
