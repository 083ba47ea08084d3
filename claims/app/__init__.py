"""The analysts' desk: a Streamlit app over the store and extraction layers (public functions only)."""

from __future__ import annotations

import sys

# How the desk's server runs, whoever starts it (`claims serve`, the tests, the load bench; a plain
# `streamlit run app.py` in the checkout reads the same from .streamlit/config.toml).
# postScriptGC off: Streamlit's full garbage collection after every script run took a third of
# the server's time under load (py-spy, bench/load.py); Python's own collector still runs.
# No file watcher: the desk is not reloaded on code edits (a developer passes
# --server.fileWatcherType auto), and polling for edits costs every session.
SERVER_OPTIONS = {
    "server.headless": "true",
    "server.fileWatcherType": "none",
    "browser.gatherUsageStats": "false",
    "runner.postScriptGC": "false",
    # no Deploy button or developer menu: analysts see the desk, not Streamlit's tools
    "client.toolbarMode": "viewer",
}


# Where the desk listens unless told otherwise: this machine only. The desk fetches URLs and holds
# unpublished verdicts; a team reaches it through a proxy (or passes --address 0.0.0.0 knowingly).
DEFAULT_ADDRESS = "127.0.0.1"


def streamlit_command(script: str, port: int, *, address: str = DEFAULT_ADDRESS) -> list[str]:
    """The command line that serves ``script`` on ``address``:``port``."""
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address", address]
    for option, value in SERVER_OPTIONS.items():
        cmd += [f"--{option}", value]
    return cmd
