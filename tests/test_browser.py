"""A real browser against a real server: `streamlit run app.py` on a free localhost port with a
temporary database, driven through Debian's Chromium with Playwright. Screenshots of each page
are kept in test-artifacts/ (and the README's come from there)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from bench.appserver import CHROMIUM, CHROMIUM_ARGS, running_app

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
ARTICLE = (
    "9 जनवरी को, रूसी कमांडर कर्नल-जनरल आंद्रेई सेरड्यूकोव ने कहा कि टुकड़ी काम जारी रखेगी। "
    "उन्होंने एक संयुक्त ब्रीफिंग के दौरान अपने बयान दिए।\n"
    "Foreign Minister Mukhtar Tileuberdi said the mission would end within days."
)

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
    reason="Debian chromium is not installed (make test installs it)",
)


@pytest.fixture
def server(tmp_path):
    with running_app(f"sqlite:///{tmp_path / 'desk.db'}", tmp_path) as base:
        yield base


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    page.get_by_role("combobox", name=label, exact=True).first.click()
    page.get_by_role("option").filter(has_text=option).first.click()


def field(page, label: str):
    return page.get_by_role("textbox", name=label, exact=True)


def wait_idle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)


def test_paste_review_edit_reload_article_download(server, browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
    page = ctx.new_page()
    page.goto(f"{server}/add")
    field(page, "Your name").fill("asha")
    field(page, "Your name").press("Enter")
    wait_idle(page)
    field(page, "Title").fill("CSTO mission")
    field(page, "Outlet").fill("Wire")
    field(page, "Article text").fill(ARTICLE)
    page.get_by_role("button", name="Save article").click()
    page.get_by_text("Saved article").wait_for(timeout=30_000)
    assert page.get_by_text("आंद्रेई सेरड्यूकोव").first.is_visible()
    shot(page, "add")

    # Review: the claims are there; change one status in the detail form
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_text("2 claims").first.wait_for(timeout=30_000)
    choose(page, "Open a claim", "Mukhtar Tileuberdi")
    wait_idle(page)
    page.get_by_text("Foreign Minister").first.wait_for()
    choose(page, "Verification status", "False")
    field(page, "Verdict note").fill("The mission lasted three weeks.")
    page.get_by_role("button", name="Save claim").click()
    page.get_by_text("saved.").first.wait_for(timeout=30_000)
    shot(page, "review")

    # reload: the change is kept
    page.reload()
    page.get_by_text("2 claims").first.wait_for(timeout=30_000)
    choose(page, "Open a claim", "Mukhtar Tileuberdi")
    field(page, "Verdict note").wait_for(timeout=30_000)
    assert field(page, "Verdict note").input_value() == "The mission lasted three weeks."
    assert page.locator(".claim-status[data-status=false]").count() >= 1

    # Article: highlights in three colours, the status shown
    page.get_by_role("link", name="Article", exact=True).click()
    page.locator("mark.claim-content").first.wait_for(timeout=30_000)
    assert page.locator("mark.claim-speaker").count() == 2
    assert page.locator("mark.claim-cue").count() == 2
    assert "सेरड्यूकोव" in page.locator("mark.claim-speaker").first.inner_text()
    assert page.locator(".article-text .claim-status[data-status=false]").count() == 1
    shot(page, "article")

    page.get_by_role("link", name="Speakers", exact=True).click()
    page.get_by_text("Merge two speakers").wait_for(timeout=30_000)
    shot(page, "speakers")

    # Dashboard: download the CSV and check its rows
    page.get_by_role("link", name="Dashboard and export", exact=True).click()
    button = page.get_by_role("button", name="CSV (2 claims)")
    button.wait_for(timeout=30_000)
    shot(page, "dashboard")
    with page.expect_download() as dl:
        button.click()
    data = Path(dl.value.path()).read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert len(rows) == 2
    by_speaker = {r["speaker"]: r for r in rows}
    assert by_speaker["Mukhtar Tileuberdi"]["status"] == "false"
    assert by_speaker["Mukhtar Tileuberdi"]["updated_by"] == "asha"
    assert by_speaker["आंद्रेई सेरड्यूकोव"]["source"] == "एक संयुक्त ब्रीफिंग"
    # each row leads back to its claim in this desk
    assert {r["desk_url"] for r in rows} == {f"{server}/review?claim={r['desk_id']}" for r in rows}
    ctx.close()


def test_deep_link_to_a_saved_verdict_and_back(server, browser, tmp_path):
    from claims.store import get_claim, ingest_text, list_claims, open_store

    eng = open_store(f"sqlite:///{tmp_path / 'desk.db'}")
    ingest_text(eng, ARTICLE, article_key="csto", title="CSTO mission", analyst="asha")
    cid = next(c["id"] for c in list_claims(eng) if c["speaker"] == "Mukhtar Tileuberdi")
    ctx = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = ctx.new_page()
    link = f"{server}/review?speaker=Tileuberdi&claim={cid}"
    page.goto(link)  # /review itself, with filters and the claim in the address
    field(page, "Your name").fill("asha")
    field(page, "Your name").press("Enter")
    wait_idle(page)
    page.get_by_text(f"Claim {cid}").first.wait_for(timeout=30_000)
    page.get_by_text("1 claims").first.wait_for(timeout=30_000)  # the speaker filter from the link
    assert field(page, "Speaker (any spelling or script)").input_value() == "Tileuberdi"
    choose(page, "Verification status", "False")
    field(page, "Verdict note").fill("Three weeks, not days.")
    page.get_by_role("button", name="Save claim").click()
    page.get_by_text(f"Claim {cid} saved.").first.wait_for(timeout=30_000)
    assert get_claim(eng, cid)["status"] == "false"
    assert f"claim={cid}" in page.url and "speaker=Tileuberdi" in page.url  # the address still says it
    page.goto(page.url)  # the round trip: the same address opens the same claim, verdict saved
    page.get_by_text(f"Claim {cid}").first.wait_for(timeout=30_000)
    field(page, "Verdict note").wait_for(timeout=30_000)
    assert field(page, "Verdict note").input_value() == "Three weeks, not days."
    assert page.locator(".claim-status[data-status=false]").count() >= 1
    ctx.close()
    eng.dispose()


def test_clicking_a_claim_in_the_article_view_opens_it_in_review(server, browser, tmp_path):
    from claims.store import ingest_text, list_claims, open_store

    eng = open_store(f"sqlite:///{tmp_path / 'desk.db'}")
    ingest_text(eng, ARTICLE, article_key="csto", title="CSTO mission", analyst="asha")
    first = min(c["content_start"] for c in list_claims(eng))
    cid = next(c["id"] for c in list_claims(eng) if c["content_start"] == first)  # the table's first row
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{server}/article")
    page.locator(".article-text").wait_for(timeout=30_000)
    wait_idle(page)
    box = page.locator("[data-testid=stDataFrame]").first.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 55)  # the first row's selector
    page.get_by_role("heading", name=f"Claim {cid}").wait_for(timeout=30_000)
    assert f"claim={cid}" in page.url
    page.close()
    eng.dispose()


def test_upload_a_batch_with_outlet_and_dates_and_one_summary(server, browser, tmp_path):
    from claims.store import list_claims, open_store

    good = tmp_path / "2016-09-12_ruiz.txt"
    good.write_text("Mayor Ana Ruiz said taxes would not rise.", "utf-8")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9 said".encode("latin-1"))
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{server}/add")
    field(page, "Your name").fill("asha")
    field(page, "Your name").press("Enter")
    wait_idle(page)
    page.get_by_role("tab", name="Upload files").click()
    page.locator("input[type=file]").set_input_files([str(good), str(bad), str(good)])
    wait_idle(page)
    field(page, "Outlet (for files without one)").fill("Gazette")
    field(page, "Outlet (for files without one)").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Save uploaded articles").click()
    page.get_by_text("1 new, 1 duplicate, 1 failed.").wait_for(timeout=30_000)
    assert page.get_by_text("latin1.txt").first.is_visible()  # the failure listed by name
    eng = open_store(f"sqlite:///{tmp_path / 'desk.db'}")
    row = list_claims(eng)[0]
    assert (row["article_outlet"], row["article_published"]) == ("Gazette", "2016-09-12")
    page.close()
    eng.dispose()


def test_bulk_status_of_every_matching_claim_after_a_confirmation(server, browser, tmp_path):
    from claims.store import ClaimFilter, count_claims, history_of, ingest_text, list_claims, open_store

    eng = open_store(f"sqlite:///{tmp_path / 'desk.db'}")
    ingest_text(eng, ARTICLE, article_key="csto", title="CSTO mission", analyst="asha")
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.goto(f"{server}/review")
    field(page, "Your name").fill("asha")
    field(page, "Your name").press("Enter")
    wait_idle(page)
    page.get_by_text("all 2 claims matching the filters").click()
    wait_idle(page)
    choose(page, "New status", "Unverifiable")
    wait_idle(page)
    page.get_by_role("button", name="Set status of 2 claims…").click()
    page.get_by_text("Set the status of 2 claims").wait_for(timeout=30_000)  # asked first, naming the count
    assert count_claims(eng, ClaimFilter(statuses=["unverifiable"])) == 0
    shot(page, "review-bulk")
    page.get_by_role("button", name="Set 2 claims to Unverifiable").click()
    page.get_by_text("Set 2 of 2 claims to Unverifiable.").wait_for(timeout=30_000)
    assert count_claims(eng, ClaimFilter(statuses=["unverifiable"])) == 2
    for c in list_claims(eng):
        assert [(h.by, h.new) for h in history_of(eng, c["id"])] == [("asha", "unverifiable")]
    shot(page, "review-table")  # the statuses in their colours, the claims' text wrapped
    page.close()
    eng.dispose()
