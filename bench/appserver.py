"""Start the real desk (`streamlit run app.py`) on a free localhost port, and Debian's Chromium
for Playwright: shared by the browser test and the load test."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from claims.app import streamlit_command

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(db_url: str, cwd: Path, *, timeout: float = 60) -> Iterator[str]:
    """Run the desk on ``db_url`` until the block ends; yields its base URL.

    Raises RuntimeError with the server's last output when it does not answer within ``timeout``.
    """
    port = free_port()
    log = (cwd / "streamlit.log").open("wb")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(
        streamlit_command(str(ROOT / "app.py"), port, address="127.0.0.1"),
        cwd=cwd,
        env=dict(os.environ, CLAIMS_DB_URL=db_url),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                if requests.get(f"{base}/_stcore/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(
                    "streamlit did not start: " + (cwd / "streamlit.log").read_text(errors="replace")[-2000:]
                )
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
