"""Extraction time against input size: real Hindi and English news concatenated into one article
of 1, 2, 4 and 8 MB, and a pathological cue soup. Time per MB should stay roughly flat.

    python bench/scaling.py ../shared/data/hindi-news-2020 ../shared/data/polnear/dev/text
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims import extract  # noqa: E402


def corpus(folders: list[str], size: int) -> str:
    parts, total = [], 0
    files = [f for d in folders for f in sorted(Path(d).rglob("*.txt")) if not f.name.startswith("README")]
    while total < size:
        for f in files:
            t = f.read_text("utf-8", errors="replace")
            parts.append(t)
            total += len(t)
            if total >= size:
                break
    return "\n".join(parts)[:size]


def main() -> None:
    folders = sys.argv[1:]
    print(f"{'input':<28}{'chars':>12}{'claims':>9}{'seconds':>9}{'s per M chars':>15}")
    cases = [(f"news {mb} M chars", corpus(folders, mb * 1_000_000)) for mb in (1, 2, 4, 8)]
    cases += [(f"cue soup {n // 1000}k cues", "Smith said, " * n) for n in (50_000, 100_000, 200_000)]
    cases += [(f"participle soup {n // 1000}k", "Smith said, adding that " * n) for n in (10_000, 20_000, 40_000)]
    cases += [(f"Hindi soup {n // 1000}k", "राम ने कहा, राम कहते हैं कि " * n) for n in (5_000, 10_000, 20_000)]
    for label, text in cases:
        t = time.process_time()
        n = len(extract(text))
        dt = time.process_time() - t
        print(f"{label:<28}{len(text):>12,}{n:>9,}{dt:>9.2f}{dt / (len(text) / 1e6):>15.2f}")


if __name__ == "__main__":
    main()
