"""Instructions executed per article: a speed figure the neighbours on a shared machine cannot move.

    python bench/instructions.py ../shared/data/polnear/dev/text --lang en
    CLAIMS_PURE=1 python bench/instructions.py ../shared/data/polnear/dev/text --lang en

Runs extraction under ``valgrind --tool=callgrind`` (Debian's ``valgrind``) twice, once with one
pass over the corpus and once with none, and prints the difference divided by the number of
articles: startup and the first article (loading packs and the model) fall out. Valgrind runs
code about fifty times slower, so a corpus of a hundred articles takes a minute.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

_RUN = """
import sys
from pathlib import Path
from claims import extract_article
from claims.speedups import mode
files = [Path(p) for p in sys.argv[3:]]
extract_article(files[0].read_text("utf-8", errors="replace"), lang=sys.argv[2] or None)
for _ in range(int(sys.argv[1])):
    for f in files:
        extract_article(f.read_text("utf-8", errors="replace"), lang=sys.argv[2] or None, article_id=f.stem)
print(mode())
"""


def instructions(passes: int, lang: str, files: list[Path]) -> tuple[int, str]:
    """Instructions of a run with ``passes`` passes over ``files``, and the mode it ran in."""
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", _RUN,
         str(passes), lang, *map(str, files)],
        capture_output=True, text=True, check=True, env=os.environ,
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", run.stderr)
    if found is None:
        sys.exit(f"no instruction count in valgrind's output:\n{run.stderr[-2000:]}")
    return int(found.group(1)), run.stdout.strip()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("folder", type=Path)
    p.add_argument("--lang", default="")
    args = p.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    files = sorted(f for f in args.folder.rglob("*.txt") if not f.name.startswith("README"))
    if not files:
        sys.exit(f"no .txt files under {args.folder}")
    none, mode = instructions(0, args.lang, files)
    one, _ = instructions(1, args.lang, files)
    print(f"corpus        {args.folder} ({len(files)} articles)")
    print(f"kernel        {mode} (CLAIMS_PURE=1: the pure-Python reference)")
    print(f"instructions  {(one - none) / len(files) / 1e6:.2f} M per article (one pass, startup excluded)")


if __name__ == "__main__":
    main()
