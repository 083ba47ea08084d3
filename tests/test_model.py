"""The learned English cue model: shipped in the package, loaded offline, reproducible."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from claims import extract

SHARED_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "train"
MODEL_ONLY_CUE = "Clinton is demanding that the FBI release all of the documents."

_OFFLINE = """
import socket, sys
def refuse(*a, **k):
    raise OSError("network used")
socket.socket.connect = refuse
socket.create_connection = refuse
from claims import extract
from claims.learn.cuemodel import load_model
m = load_model()
assert len(m.vocab) > 500, len(m.vocab)
[c] = extract(sys.argv[1], lang="en")
print(c.speaker, c.cue, sep="|")
"""


def test_model_loads_from_the_package_offline_and_without_shared(tmp_path):
    # a fresh interpreter in an empty folder: no ../shared beside it, and no socket may connect
    env = {k: v for k, v in os.environ.items() if k != "CLAIMS_EN_MODEL"}
    out = subprocess.run(
        [sys.executable, "-c", _OFFLINE, MODEL_ONLY_CUE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Clinton|demanding"


def test_shipped_model_matches_its_metadata():
    folder = resources.files("claims.lang").joinpath("en/model")
    meta = json.loads(folder.joinpath("meta.json").read_text("utf-8"))
    blob = folder.joinpath(meta["model"]).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == meta["sha256"]
    assert meta["command"].startswith("claims train en --brat ")
    assert "PolNeAR" in meta["data"]["corpus"] and meta["data"]["articles"] == 840
    assert len(blob) < 5_000_000  # a few MB at most


def test_the_model_adds_a_cue_the_lexicon_lacks(monkeypatch):
    monkeypatch.setenv("CLAIMS_EN_MODEL", "rules")
    assert extract(MODEL_ONLY_CUE, lang="en") == []
    monkeypatch.setenv("CLAIMS_EN_MODEL", "both")
    [c] = extract(MODEL_ONLY_CUE, lang="en")
    assert (c.speaker, c.cue, c.content) == ("Clinton", "demanding", "the FBI release all of the documents")


def test_the_model_vetoes_a_lexicon_word_that_attributes_nothing(monkeypatch):
    text = "Critics called the bill a disaster for farmers in the state."
    monkeypatch.setenv("CLAIMS_EN_MODEL", "rules")
    rules = extract(text, lang="en")
    monkeypatch.setenv("CLAIMS_EN_MODEL", "both")
    both = extract(text, lang="en")
    assert len(both) <= len(rules)


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_TRAIN.is_dir(), reason="needs ../shared/data/polnear/train")
def test_retraining_with_the_same_seed_gives_the_same_checksum(tmp_path):
    pytest.importorskip("sklearn")
    from claims.learn.train import train

    sums = []
    for run in ("a", "b"):
        meta = train(SHARED_TRAIN, tmp_path / run, seed=0, limit=30, argv=["en", "--limit", "30"])
        blob = (tmp_path / run / "cues.json").read_bytes()
        assert hashlib.sha256(blob).hexdigest() == meta["sha256"]
        sums.append(meta["sha256"])
    assert sums[0] == sums[1]


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_TRAIN.is_dir(), reason="needs ../shared/data/polnear/train")
def test_train_command_writes_model_and_metadata(tmp_path):
    pytest.importorskip("sklearn")
    from claims.cli import main

    assert main(["train", "en", "--brat", str(SHARED_TRAIN), "--limit", "10", "--out", str(tmp_path)]) == 0
    meta = json.loads((tmp_path / "meta.json").read_text("utf-8"))
    assert meta["data"]["articles"] == 10 and meta["seed"] == 0
    assert "--limit 10" in meta["command"]
