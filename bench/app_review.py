"""Server time of the Review page with 100,000 claims in the store (Streamlit AppTest, no browser).

    python bench/app_review.py --db sqlite:////tmp/app-bench.db ../shared/data/polnear/dev/text

Fills the store like bench/store_speed.py, then renders the Review page unfiltered and with a
status + speaker filter, several times each, and prints the median and worst run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE = """
from claims.app.main import PAGES
from claims.app import state
state.analyst_box()
PAGES["review"][0]()
"""


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("folder", type=Path)
    p.add_argument("--db", required=True)
    p.add_argument("--claims", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "store_speed.py"),
            str(args.folder),
            "--db",
            args.db,
            "--claims",
            str(args.claims),
            "--queries",
            "1",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ["CLAIMS_DB_URL"] = args.db
    from streamlit.testing.v1 import AppTest

    from claims.store import count_claims, open_store

    print(f"store         {count_claims(open_store(args.db)):,} claims in {args.db}")
    for label, speaker, status in (("unfiltered", "", []), ("status+speaker", "Elena Haddad", ["false"])):
        times = []
        for _ in range(args.runs):
            at = AppTest.from_string(PAGE, default_timeout=120)
            at.session_state["analyst"] = "bench"
            at.session_state["review_speaker"] = speaker
            at.session_state["review_status"] = status
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
            assert not at.exception, at.exception
        print(
            f"review page   {label}: median {statistics.median(times) * 1000:.0f} ms, "
            f"worst {max(times) * 1000:.0f} ms ({args.runs} runs)"
        )


if __name__ == "__main__":
    main()
