"""Extraction throughput and peak memory, single process, streaming the corpus from disk.

    python bench/extract_speed.py ../shared/data/polnear/dev/text --lang en
    python bench/extract_speed.py ../shared/data/hindi-news-2020 --lang hi --repeat 3

Each .txt file is one article. Rates are per CPU second of this one process (one core).
``--repeat N`` streams the corpus N times: memory stays flat as the input grows (nothing is kept
but counters), and the fastest pass is reported with every pass's rate beside it, because on a
shared machine a neighbour's load slows some passes down.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims import extract_article  # noqa: E402
from claims.learn.cuemodel import mode  # noqa: E402
from claims.speedups import mode as kernel_mode  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("folder", type=Path)
    p.add_argument("--lang", default=None)
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args()
    files = sorted(f for f in args.folder.rglob("*.txt") if not f.name.startswith("README"))
    if not files:
        sys.exit(f"no .txt files under {args.folder}")
    extract_article("warm up: he said the cache is warm.", lang=args.lang)
    passes = []  # (articles, chars, claims, cpu seconds, wall seconds) of each pass over the corpus
    for _ in range(args.repeat):
        articles = chars = claims = 0
        t0, c0 = time.perf_counter(), time.process_time()
        for f in files:
            text = f.read_text("utf-8", errors="replace")
            claims += len(extract_article(text, lang=args.lang, article_id=f.stem).claims)
            articles += 1
            chars += len(text)
        passes.append((articles, chars, claims, time.process_time() - c0, time.perf_counter() - t0))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    articles, chars, claims, dt, wall = min(passes, key=lambda p: p[3])
    rates = ", ".join(f"{p[0] / p[3]:,.0f}" for p in passes)
    print(f"corpus        {args.folder} (x{args.repeat})")
    if args.lang in (None, "en"):
        # the English cue model roughly doubles English time; label which cue source was measured
        print(f"en cues       {mode()} (CLAIMS_EN_MODEL: both, rules or model)")
    print(f"kernel        {kernel_mode()} (CLAIMS_PURE=1: the pure-Python reference)")
    print(f"articles      {articles} per pass (avg {chars / articles:,.0f} chars)")
    print(f"claims        {claims} per pass")
    print(f"seconds       {dt:.2f} CPU, {wall:.2f} wall (fastest pass)")
    print(f"articles/s    {articles / dt:,.0f}  (fastest pass; every pass: {rates})")
    print(f"MB/s          {chars / dt / 1e6:.2f}  (million characters per second)")
    print(f"peak RSS MB   {peak_mb:.0f}")


if __name__ == "__main__":
    main()
