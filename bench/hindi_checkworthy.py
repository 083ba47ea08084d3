"""The Hindi check-worthiness score (the pack's word classes) against 40 Hindi claims labelled by
hand, until Hindi labels exist (a rough figure: one labeller, who wrote the scorer).

    python bench/hindi_checkworthy.py ../shared/data/hindi-news-2020

The claims are drawn again from the corpus exactly as when they were labelled (``random.seed(13)``,
40 of the claims read as Hindi, in file order); ``bench/data/hindi_checkworthy_labels.json`` holds
their ids and labels only, not the corpus's text.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims import extract_article  # noqa: E402
from claims.learn.checkworthy import assess_claim  # noqa: E402
from claims.learn.checkworthy_train import prf  # noqa: E402

LABELS = Path(__file__).resolve().parent / "data" / "hindi_checkworthy_labels.json"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("corpus", type=Path)
    args = p.parse_args()
    claims = [
        c
        for f in sorted(args.corpus.rglob("*.txt"))
        for c in extract_article(f.read_text("utf-8"), article_id=f.stem).claims
        if c.lang == "hi"
    ]
    random.seed(13)
    sample = random.sample(claims, 40)
    labels = {x["claim_id"]: x["label"] for x in json.loads(LABELS.read_text("utf-8"))["claims"]}
    if [c.claim_id for c in sample] != list(labels):
        raise SystemExit("the sample differs from the labelled one (another extractor or corpus): relabel it")
    gold = [labels[c.claim_id] for c in sample]
    scores = [assess_claim(c).score for c in sample]
    s = prf(gold, [int(x >= 0.5) for x in scores])
    pairs = [(a, b) for a, g in zip(scores, gold, strict=True) if g for b, h in zip(scores, gold, strict=True) if not h]
    auc = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs) / len(pairs)
    top = [g for _, g in sorted(zip(scores, gold, strict=True), key=lambda x: -x[0])[:10]]
    print(f"{len(sample)} claims, {sum(gold)} check-worthy by hand")
    print(f"score >= 0.5: precision {s['precision']:.3f}, recall {s['recall']:.3f}, F1 {s['f1']:.3f}")
    print(f"ranking: AUC {auc:.3f}, precision of the 10 highest {sum(top) / 10:.1f}")


if __name__ == "__main__":
    main()
