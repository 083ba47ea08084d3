"""Every page of the real desk in Chromium, on a store of about 100,000 claims.

    python bench/app_pages.py --db sqlite:////tmp/pages.db ../shared/data/polnear/dev/text

Fills the store (once: a store that already holds the claims is reused) with the folder's
articles, ingested, then copied under new ids and outlets until it holds ``--claims`` claims, each
article with its own text as a real archive has; starts the desk (`streamlit run app.py`) and
drives it through Playwright: opens each page, types a filter, opens a claim, saves a verdict.
Prints, per action, the median and worst time from the action to the page being idle again
(Streamlit's running indicator gone), over ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.appserver import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402
from claims.store import count_claims, ingest_text, open_store  # noqa: E402
from claims.store.schema import articles, claims  # noqa: E402

OUTLETS = ["Wire", "Gazette", "Daily", "Tribune", "Herald", "Courier", "Post", "Times"]
STATUSES = ["unverified"] * 6 + ["in_progress", "true", "false", "misleading", "unverifiable"]


def fill(db: str, folder: Path, target: int) -> None:
    """Ingest the folder, then copy its articles (text included) and their claims until the store
    holds ``target`` claims."""
    eng = open_store(db)
    if count_claims(eng) >= target:
        return
    for path in sorted(folder.glob("*.txt")):
        ingest_text(eng, path.read_text("utf-8"), article_key=path.stem, outlet=OUTLETS[0], analyst="bench")
    with eng.begin() as conn:
        originals = [dict(r._mapping) for r in conn.execute(select(articles))]
        by_article: dict[int, list[dict]] = {}
        for r in conn.execute(select(claims)):
            by_article.setdefault(r.article_id, []).append(dict(r._mapping))
        made, copy = conn.execute(select(func.count()).select_from(claims)).scalar(), 0
        while made < target:
            copy += 1
            for art in originals:
                if made >= target:
                    break
                row = {k: v for k, v in art.items() if k != "id"}
                row.update(
                    article_key=f"{art['article_key']}-{copy}",
                    text_hash=hashlib.sha256(f"{copy}:{art['text_hash']}".encode()).hexdigest(),
                    outlet=OUTLETS[copy % len(OUTLETS)],
                    published=f"2024-{copy % 12 + 1:02}-{copy % 28 + 1:02}",
                    created_at=datetime.now(UTC),
                )
                new_id = conn.execute(insert(articles).values(**row)).inserted_primary_key[0]
                rows = []
                for c in by_article.get(art["id"], []):
                    c = {k: v for k, v in c.items() if k != "id"}
                    c.update(
                        claim_key=f"{c['claim_key'][:40]}-{copy}",
                        article_id=new_id,
                        status=STATUSES[(made + len(rows)) % len(STATUSES)],
                        article_speaker_id=None,
                    )
                    rows.append(c)
                if rows:
                    conn.execute(insert(claims), rows)
                made += len(rows)
    if eng.dialect.name == "sqlite":
        with eng.connect() as conn:
            conn.execute(text("ANALYZE"))
    eng.dispose()


def idle(page) -> None:
    page.wait_for_timeout(150)  # the rerun starts
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)


def timed(times: dict[str, list[float]], label: str, action) -> None:
    t = time.perf_counter()
    action()
    times.setdefault(label, []).append(time.perf_counter() - t - 0.15)


def drive(base: str, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"{base}/review")
        idle(page)
        page.get_by_role("textbox", name="Your name", exact=True).fill("bench")
        page.get_by_role("textbox", name="Your name", exact=True).press("Enter")
        idle(page)
        for run in range(runs):

            def nav(name: str, ready: str) -> None:
                page.get_by_role("link", name=name, exact=True).click()
                page.locator(ready).first.wait_for(timeout=120_000)  # drawn by this page only
                idle(page)

            timed(times, "Dashboard: open", lambda: nav("Dashboard and export", "button:has-text('CSV (')"))
            timed(times, "Speakers: open", lambda: nav("Speakers", "text=Merge two speakers"))
            timed(times, "Article: open", lambda: nav("Article", ".article-text"))
            timed(times, "Review: open", lambda: nav("Review", "text=Open a claim"))
            speaker = page.get_by_role("textbox", name="Speaker (any spelling or script)", exact=True)

            def search(speaker=speaker, run=run) -> None:
                speaker.fill("Trump" if run % 2 == 0 else "Clinton")
                speaker.press("Enter")
                idle(page)

            timed(times, "Review: speaker filter", search)
            # as an analyst would, the list is scrolled to before it is clicked (untimed): a click
            # that has to scroll the page first makes the select close its menu on the scroll
            chooser = page.get_by_role("combobox", name="Open a claim", exact=True).first
            chooser.scroll_into_view_if_needed()
            page.wait_for_timeout(300)

            def open_claim(chooser=chooser) -> None:
                chooser.click()
                page.get_by_role("option").nth(1).click()
                idle(page)

            timed(times, "Review: open a claim", open_claim)

            def save(run=run) -> None:
                page.get_by_role("textbox", name="Verdict note", exact=True).fill(f"bench {run}")
                page.get_by_role("button", name="Save claim").click()
                idle(page)

            timed(times, "Review: save a verdict", save)
            speaker.fill("")
            speaker.press("Enter")
            idle(page)
        browser.close()
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--db", required=True)
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    fill(args.db, args.folder, args.claims)
    eng = open_store(args.db)
    print(f"store      {count_claims(eng):,} claims in {args.db}")
    eng.dispose()
    with tempfile.TemporaryDirectory() as tmp, running_app(args.db, Path(tmp)) as base:
        times = drive(base, args.runs)
    for label, ts in times.items():
        print(f"{label:28} median {statistics.median(ts) * 1000:6.0f} ms   worst {max(ts) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
