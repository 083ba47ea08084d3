"""Issue 9 on the desk: Markdown injection (8), sign-out clears the session (13), no database
password on screen or in CLI output (14), and the low items: clear messages instead of
tracebacks for a bad CLAIMS_SESSION_MINUTES or a damaged store, a 1,000-word search, date filters,
and saying plainly that names are not verified when sign-in is off."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from claims.store import ingest_text, list_claims, update_claim
from claims.store.accounts import add_user

ROOT = Path(__file__).resolve().parent.parent
PAGE = """
from claims.app.main import PAGES
from claims.app import state
state.analyst_box()
PAGES[{page!r}][0]()
"""
EN = "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe."
BEACON = "![beacon](https://evil.example/t.png)"
PHISH = "[Verify your account](https://phish.example/login)"
PASSWORD = "a long pass phrase 1234"
MARKDOWN_KINDS = ("markdown", "caption", "success", "error", "warning", "info", "title", "subheader")


def page(name: str, **session) -> AppTest:
    at = AppTest.from_string(PAGE.format(page=name), default_timeout=60)
    at.session_state["analyst"] = "asha"
    for k, v in session.items():
        at.session_state[k] = v
    return at.run()


def markdown_sources(at: AppTest) -> list[str]:
    return [str(e.value) for kind in MARKDOWN_KINDS for e in getattr(at, kind)]


def plain(source: str) -> str:
    """The text a reader sees of escaped Markdown: the escaped characters themselves."""
    return re.sub(r"\\(.)", r"\1", source)


def live_markdown(source: str) -> str:
    """The source without its backslash-escaped characters: what is left is Markdown syntax."""
    return re.sub(r"\\.", "", source)


def assert_no_injected_markdown(at: AppTest) -> None:
    sources = markdown_sources(at)
    assert sources
    for s in sources:
        live = live_markdown(s)
        assert "![" not in live, s
        assert not re.search(r"\]\(<?(https?:|javascript:)//?(evil|phish)\.example", live), s
        assert "<img" not in live and "<a " not in live, s


def _hostile_article(db) -> int:
    ingest_text(db, EN, article_key="evil", title=f"{BEACON} Budget {PHISH}", outlet=PHISH, url="https://news.example/a")
    c = list_claims(db)[0]
    update_claim(
        db,
        c["id"],
        base_version=c["version"],
        analyst="ravi",
        corrected_speaker=f"{PHISH} {BEACON}",
        evidence="https://ok.example/x)[y](https://phish.example/login)",
    )
    return c["id"]


def test_article_page_shows_titles_and_urls_as_text(db):
    _hostile_article(db)
    at = page("article")
    assert not at.exception
    assert_no_injected_markdown(at)
    header = [s for s in markdown_sources(at) if "Budget" in s][0]
    assert "[source](<https://news.example/a>)" in header  # the article's own link still works
    assert "\\!\\[beacon\\]" in header  # shown as the characters they are


def test_review_detail_shows_names_notes_and_evidence_as_text(db):
    cid = _hostile_article(db)
    at = page("review")
    at.selectbox(key="review_open").select(cid).run()
    assert not at.exception
    assert_no_injected_markdown(at)
    assert any("Verify your account" in s for s in markdown_sources(at))


def test_conflict_and_speaker_messages_are_escaped(db):
    ingest_text(db, EN, article_key="en")
    at = page("review")
    key = at.session_state["review_editor_key"]
    cid = list_claims(db)[0]["id"]
    update_claim(db, cid, base_version=1, analyst="ravi", verdict_note=f"see {BEACON}")
    at.session_state[key] = {"edited_rows": {0: {"verdict_note": PHISH}}, "added_rows": [], "deleted_rows": []}
    at.button(key="review_save").click().run()
    assert any("Conflict on claim" in e.value for e in at.error)
    assert_no_injected_markdown(at)
    sp = page("speakers")
    sp.number_input(key="reassign_claim").set_value(cid)
    sp.text_input(key="reassign_speaker").input(PHISH).run()
    sp.button(key="reassign_go").click().run()
    assert any("attributed to" in s.value for s in sp.success)
    assert_no_injected_markdown(sp)


def _sign_in(at: AppTest, user: str) -> AppTest:
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(PASSWORD)
    return at.button[0].click().run()


def test_sign_out_clears_the_session_for_the_next_user(db):
    add_user(db, "asha", PASSWORD, "analyst")
    add_user(db, "ravi", PASSWORD, "analyst")
    ingest_text(db, EN, article_key="en", analyst="asha")
    cid = list_claims(db)[0]["id"]
    at = _sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run(), "asha")
    assert [t.value for t in at.title] == ["Review claims"]
    key = at.session_state["review_editor_key"]
    update_claim(db, cid, base_version=1, analyst="ravi", status="true")
    at.session_state[key] = {"edited_rows": {0: {"status": "false"}}, "added_rows": [], "deleted_rows": []}
    at.button(key="review_save").click().run()
    assert any("Conflict on claim" in e.value for e in at.error)  # asha has a pending conflict…
    at.selectbox(key="review_open").select(cid).run()
    at.text_area(key=f"detail_note_{cid}").input("asha's unsent draft").run()  # …and a draft
    at.button(key="sign_out").click().run()
    assert [t.value for t in at.title] == ["Sign in"]
    at = _sign_in(at, "ravi")
    assert not at.exception
    assert not any("Conflict on claim" in e.value for e in at.error)
    assert "conflicts" not in at.session_state and f"detail_note_{cid}" not in at.session_state
    leftovers = [k for k in ("review_open", "review_snapshots", "detail_base_" + str(cid)) if k in at.session_state]
    assert at.session_state["auth_user"] == "ravi"
    if "review_open" in at.session_state:  # recreated by ravi's own page, empty
        assert at.session_state["review_open"] is None, leftovers


def test_database_password_is_never_shown_in_the_desk(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_DB_URL", "postgresql://desk:s3cretpw@127.0.0.1:1/claims")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    shown = plain(" ".join(markdown_sources(at)))
    assert "not reachable" in shown and "desk:***@127.0.0.1" in shown and "s3cretpw" not in shown


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--db", "postgresql://u:s3cretpw@127.0.0.1:1/x"],
        ["ingest", "README.md", "--db", "postgresql://u:s3cretpw@127.0.0.1:1/x"],
        ["db", "upgrade", "--db", "postgresql://u:s3cretpw@127.0.0.1:1/x"],
        ["export", "--db", "postgres//u:s3cretpw@127.0.0.1/x"],  # does not parse
    ],
)
def test_cli_masks_the_password_and_prints_no_traceback(args):
    r = subprocess.run([sys.executable, "-m", "claims.cli", *args], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert "s3cretpw" not in r.stdout + r.stderr and "Traceback" not in r.stderr
    assert r.stderr.startswith("error: ")


def test_cli_db_status_prints_the_url_masked(pg_url):
    if "@" not in pg_url:
        pytest.skip("needs a URL with a user name")
    user, host = pg_url.split("://", 1)[1].split("@", 1)
    url = f"postgresql://{user.split(':')[0]}:s3cretpw@{host}"  # trust auth: any password is accepted
    subprocess.run([sys.executable, "-m", "claims.cli", "db", "upgrade", "--db", url], cwd=ROOT, capture_output=True)
    r = subprocess.run(
        [sys.executable, "-m", "claims.cli", "db", "status", "--db", url], capture_output=True, text=True, cwd=ROOT
    )
    assert "s3cretpw" not in r.stdout + r.stderr and ":***@" in r.stdout + r.stderr


def test_damaged_store_is_explained_in_the_desk_and_the_cli(tmp_path, monkeypatch):
    bad = tmp_path / "claims.db"
    bad.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 200)
    monkeypatch.setenv("CLAIMS_DB_URL", f"sqlite:///{bad}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("damaged or not a claims database" in plain(e.value) for e in at.error)
    r = subprocess.run(
        [sys.executable, "-m", "claims.cli", "export", "--db", f"sqlite:///{bad}"], capture_output=True, text=True
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr and "damaged or not a claims database" in r.stderr


def test_bad_session_minutes_is_a_message_not_a_traceback(db, monkeypatch):
    add_user(db, "asha", PASSWORD, "analyst")
    monkeypatch.setenv("CLAIMS_SESSION_MINUTES", "abc")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("CLAIMS_SESSION_MINUTES" in plain(e.value) and "'abc'" in plain(e.value) for e in at.error)


def test_thousand_word_search_is_answered(db):
    ingest_text(db, EN, article_key="en")
    at = page("review")
    at.text_input(key="review_text").input(" ".join(f"word{n}" for n in range(1000)) + " taxes").run()
    assert not at.exception
    assert not [e.value for e in at.error], [e.value for e in at.error]
    assert any("first 20 of its 1001 different words" in w.value for w in at.warning)
    at.text_input(key="review_text").input("taxes rise").run()
    assert "1 claims" in at.caption[0].value


def test_date_filters_take_dates_not_strings(db):
    ingest_text(db, EN, article_key="jan", published="2024-01-05")
    ingest_text(db, "The minister said the road would be built.", article_key="feb", published="2024-02-01")
    at = page("review")
    at.text_input(key="review_from").input("2024-01-10").run()
    assert "1 claims" in at.caption[0].value
    at.text_input(key="review_from").input("2024-1-10").run()  # compared as a string it matched nothing
    assert any("not a date as YYYY-MM-DD" in w.value for w in at.warning)
    assert "3 claims" in at.caption[0].value  # not applied, and said so


def test_names_not_verified_when_sign_in_is_off(db):
    at = page("review")
    assert any("names are not verified" in c.value for c in at.sidebar.caption)


def test_backup_guidance_masks_the_password():
    url = "postgresql://u:s3cretpw@db.invalid/claims"  # only printed, never connected to
    r = subprocess.run(
        [sys.executable, "-m", "claims.cli", "db", "backup", "x.dump", "--db", url],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0 and "pg_dump" in r.stdout
    assert "s3cretpw" not in r.stdout + r.stderr and "u:***@db.invalid" in r.stdout
