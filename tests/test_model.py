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


_ENGLISH_TEXTS = [
    # quotes, pronouns, sentence starts and ends, a word running into punctuation, "_" in a word
    '“We will not back down,” she said on Friday. He told reporters: “More is coming.”\n\n'
    "The senator, who said last week that the plan would fail, argued that it was dead. "
    "Officials believe it; snake_case words said nothing. U.S.-based groups say otherwise.",
    "Trump says. Says who? They claimed, insisted and warned that taxes, he added, would rise",
    "",
]


def _decisions_by_features(doc, words, candidates, model):
    """The model's decisions read the slow, obvious way: the training features and the table sum."""
    import bisect

    from claims.learn.features import context, quote_marks

    marks, out = quote_marks(doc.text), []
    for k in candidates:
        a = words[k].start
        sent = doc.sents[doc.sent_at(a)]
        j = bisect.bisect_right(doc.quote_starts, a) - 1
        in_quote = j >= 0 and a < doc.quotes[j].inner_end
        if model.score(context(doc.text, words, k, sent.start, sent.end, in_quote, marks)) > model.logit:
            out.append(k)
    return out


def _english_texts():
    yield from _ENGLISH_TEXTS
    dev = SHARED_TRAIN.parent / "dev" / "text"
    if dev.is_dir():
        yield from (f.read_text("utf-8") for f in sorted(dev.glob("*.txt"))[:40])


def test_the_compiled_scorer_decides_as_the_training_features_do():
    from claims.lang import load
    from claims.learn.cuemodel import load_model
    from claims.learn.features import quote_marks
    from claims.pipeline.frames.base import Doc
    from claims.pipeline.text import tokens

    model, pack = load_model(), load("en")
    checked = accepted = 0
    for text in _english_texts():
        doc = Doc.build(text, pack)
        words = tokens(text, 0, len(text))
        candidates = [k for k, w in enumerate(words) if w.text.lower() in model.vocab]
        fast = model.compiled.accepted(doc, words, [w.start for w in words], candidates, quote_marks(text), model.logit)
        assert fast == _decisions_by_features(doc, words, candidates, model)
        checked += len(candidates)
        accepted += len(fast)
    assert checked > 20 and 0 < accepted < checked  # both answers were exercised


def test_article_tokens_between_two_offsets_are_the_scan_of_that_range():
    from claims.lang import load
    from claims.pipeline.frames.base import Doc
    from claims.pipeline.text import tokens

    text = _ENGLISH_TEXTS[0]
    doc = Doc.build(text, load("en"))
    doc.words = tokens(text, 0, len(text))
    doc.word_starts = [w.start for w in doc.words]
    for a in range(0, len(text), 3):
        for b in (a + 1, a + 9, a + 40, a + 80, len(text)):
            assert doc.tokens_between(a, min(b, len(text))) == tokens(text, a, min(b, len(text))), (a, b)
