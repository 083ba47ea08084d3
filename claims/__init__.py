"""claims: find who said what, where and when, in news articles.

>>> from claims import extract
>>> [c.speaker for c in extract("Officials said the bridge would reopen on Monday.", lang="en")]
['Officials']
"""

from __future__ import annotations

from claims import speedups

speedups.install()  # compiled copies of the extraction modules, when built and current

from claims.model import CLAIM_FIELDS, Claim, Extraction, Speaker  # noqa: E402
from claims.pipeline.engine import extract_article  # noqa: E402

__version__ = "0.1.0"
__all__ = ["extract", "extract_article", "Claim", "Speaker", "Extraction", "CLAIM_FIELDS", "__version__"]


def extract(text: str, *, lang: str | None = None, article_id: str | None = None) -> list[Claim]:
    """Every attributed statement in ``text``, in reading order.

    ``lang`` is a pack code ("hi", "en") or None/"auto" to detect it from the text's script.
    ``article_id`` defaults to a hash of the text; claim ids derive from it and the offsets, so
    the same text always gives the same ids. Never raises on odd text (empty, control
    characters, unbalanced quote marks): such input gives fewer claims, not an error.
    Raises ``ValueError`` for an unknown ``lang`` and ``TypeError`` when ``text`` is not a str.
    """
    return extract_article(text, lang=lang, article_id=article_id).claims
