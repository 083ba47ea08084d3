"""Issue 9: the desk listens on 127.0.0.1 unless told otherwise (item 2), and a fresh install is
reproducible: pinned constraints used by the Makefile, lower bounds in pyproject.toml (low)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import requests

from bench.appserver import free_port
from claims.app import streamlit_command
from claims.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as the kernel writes them) listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.rsplit(":", 1)
            if int(p, 16) == port and state == "0A":  # 0A: LISTEN
                found.add(addr)
    return found


def test_every_way_of_starting_the_desk_defaults_to_localhost():
    cmd = streamlit_command("app.py", 8501)
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert build_parser().parse_args(["serve"]).address == "127.0.0.1"
    assert build_parser().parse_args(["serve", "--address", "0.0.0.0"]).address == "0.0.0.0"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    make = subprocess.run(["make", "-n", "app"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "--server.address 127.0.0.1" in make


def test_claims_serve_listens_on_loopback_only(tmp_path):
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "claims.cli", "serve", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'd.db'}"],
        cwd=tmp_path,
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            raise AssertionError((tmp_path / "serve.log").read_text())
        assert _listening(port) == {"0100007F"}  # 127.0.0.1, and not 0.0.0.0 or ::
    finally:
        proc.terminate()
        proc.wait(30)
    # stopping the command stops the server: no orphan is left listening
    deadline = time.time() + 15
    while _listening(port) and time.time() < deadline:
        time.sleep(0.3)
    assert not _listening(port)


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_install_is_pinned_by_constraints_with_lower_bounds_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"]) + [r for extra in project["optional-dependencies"].values() for r in extra]
    assert all(">=" in r for r in wanted), "pyproject.toml keeps lower bounds, not pins"
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not a pin: {line}"
            pins[name.strip().lower().replace("_", "-")] = version
    missing = [r for r in wanted if _name(r) not in pins]
    assert not missing, f"not pinned in constraints.txt: {missing}"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"pip install .*-c constraints\.txt .*-e '\.\[app,dev[^\]]*\]'", makefile)
