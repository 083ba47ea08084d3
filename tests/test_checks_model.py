"""Check-worthiness (issue 13, item 3): the English model shipped in the package, loaded offline
without scikit-learn, reproducible by its command; Hindi from the pack; scores and reasons."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from claims.learn.checkworthy import assess, lexicon, load_model

CLAIMBUSTER = Path(__file__).resolve().parents[2] / "shared" / "data" / "claimbuster"

_OFFLINE = """
import builtins, socket, sys
def refuse(*a, **k):
    raise OSError("network used")
socket.socket.connect = refuse
socket.create_connection = refuse
real_import = builtins.__import__
def no_sklearn(name, *a, **k):
    if name.split(".")[0] in ("sklearn", "scipy"):
        raise ImportError("scikit-learn is for training only")
    return real_import(name, *a, **k)
builtins.__import__ = no_sklearn
from claims.learn.checkworthy import assess, load_model
assert load_model("en") is not None and len(load_model("en").weights) > 1000
print(assess("Unemployment fell by 12 percent last year.", "en", speaker="Ana Ruiz").score)
"""


def test_model_loads_from_the_package_offline_without_scikit_learn(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", _OFFLINE],
        cwd=tmp_path,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) > 0.5


def test_shipped_model_matches_its_metadata():
    folder = resources.files("claims.lang").joinpath("en/model")
    meta = json.loads(folder.joinpath("checkworthy.meta.json").read_text("utf-8"))
    blob = folder.joinpath(meta["model"]).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == meta["sha256"]
    assert meta["command"] == "claims train checkworthy --claimbuster ../shared/data/claimbuster --seed 0"
    assert "ClaimBuster" in meta["data"]["corpus"]
    assert (meta["data"]["train"], meta["data"]["test"], meta["data"]["test_positives"]) == (7976, 702, 351)
    assert meta["test"]["f1"] > 0.75
    assert len(blob) < 2_000_000


def _tiny_claimbuster(folder: Path) -> None:
    """A small ClaimBuster-shaped folder (made-up sentences) for training in a test."""
    pos = [
        "Unemployment fell by {n} percent in the last {m} years.",
        "We spent {n} billion dollars on the war, more than ever before.",
        "Taxes on the middle class rose {n} percent under this administration.",
        "The deficit was {n} billion dollars in {m}.",
    ]
    neg = [
        "Thank you very much for having me here tonight number {n}.",
        "I think we can do better, and I believe in {m} of you.",
        "Let me say this about my friend {n}.",
        "We will make this country great again, time {m}.",
    ]
    rows = [
        {"sentence_id": len(t) * 100 + i, "label": int(t in pos), "text": t.format(n=i, m=i + 2)}
        for i in range(12)
        for t in pos + neg
    ]
    folder.mkdir()
    (folder / "train.json").write_text(json.dumps(rows[:80]), "utf-8")
    (folder / "test.json").write_text(json.dumps(rows[80:]), "utf-8")


def test_the_train_command_is_deterministic(tmp_path):
    pytest.importorskip("sklearn")
    data = tmp_path / "cb"
    _tiny_claimbuster(data)
    sums = []
    for run in ("a", "b"):
        out = tmp_path / run
        cmd = [
            sys.executable,
            "-m",
            "claims.cli",
            "train",
            "checkworthy",
            "--claimbuster",
            str(data),
            "--out",
            str(out),
        ]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr
        meta = json.loads((out / "checkworthy.meta.json").read_text("utf-8"))
        assert hashlib.sha256((out / "checkworthy.json").read_bytes()).hexdigest() == meta["sha256"]
        sums.append(meta["sha256"])
        assert set(meta["test"]) == {"precision", "recall", "f1", "accuracy"}
    assert sums[0] == sums[1]


def test_the_train_command_explains_a_missing_folder(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "claims.cli", "train", "checkworthy", "--claimbuster", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2 and "train.json not found" in res.stderr


@pytest.mark.shared
@pytest.mark.skipif(not (CLAIMBUSTER / "train.json").exists(), reason="needs ../shared/data/claimbuster")
def test_retraining_on_claimbuster_gives_the_shipped_bytes(tmp_path):
    pytest.importorskip("sklearn")
    from claims.learn.checkworthy_train import train

    meta = train(CLAIMBUSTER, tmp_path, seed=0)
    shipped = json.loads(resources.files("claims.lang").joinpath("en/model/checkworthy.meta.json").read_text("utf-8"))
    assert meta["sha256"] == shipped["sha256"]
    assert meta["test"] == shipped["test"]


def test_facts_and_numbers_score_above_opinions_requests_and_predictions():
    fact = assess("The budget deficit rose to $4 billion in 2023, the highest on record.", "en", speaker="Ana Ruiz")
    opinion = assess("I think the people of this state deserve better.", "en", speaker="Ana Ruiz")
    request = assess("We must all stay calm.", "en", speaker="Ana Ruiz", flags=["request"])
    prediction = assess("The weather will be nice tomorrow.", "en", speaker="Ana Ruiz")
    assert fact.score > 0.8 > max(opinion.score, request.score, prediction.score)
    assert any(r.startswith("numbers:") for r in fact.reasons)
    assert any(r.startswith("comparison:") for r in fact.reasons)
    assert any(r.startswith("opinion or hedge:") for r in opinion.reasons)
    assert "read as a request" in request.reasons
    assert any(r.startswith("prediction:") for r in prediction.reasons)


def test_a_named_speaker_with_a_public_role_raises_the_score():
    text = "Crime in the city went down last year."
    minister = assess(text, "en", speaker="Ana Ruiz", speaker_type="person", speaker_role="the finance minister")
    resident = assess(text, "en", speaker="Ana Ruiz", speaker_type="person", speaker_role="a local resident")
    nobody = assess(text, "en", speaker="", speaker_type="anonymous")
    assert minister.score > resident.score > nobody.score
    assert "speaker with a public role: the finance minister" in minister.reasons
    assert "no named speaker" in nobody.reasons


def test_hindi_scores_from_the_pack_features():
    assert lexicon("hi") is not None and load_model("hi") is None  # no Hindi labels yet: the pack decides
    fact = assess(
        "राज्य में संक्रमण के मामले 20 प्रतिशत घटकर 5000 रह गए हैं",
        "hi",
        speaker="उद्धव ठाकरे",
        speaker_type="person",
        speaker_role="मुख्यमंत्री",
    )
    hedge = assess("शायद कल बारिश होगी", "hi", speaker="राम", speaker_type="person")
    request = assess("लोगों से घर में रहने की अपील", "hi", speaker="राम", speaker_type="person", flags=["request"])
    assert fact.score > 0.8 and max(hedge.score, request.score) < 0.3
    assert "quantities: “मामले”, “प्रतिशत”" in fact.reasons and "comparison: “घटकर”" in fact.reasons
    assert "speaker with a public role: मुख्यमंत्री" in fact.reasons
    assert any(r.startswith("opinion or hedge:") for r in hedge.reasons)
    assert any(r.startswith("prediction:") for r in hedge.reasons)  # "होगी": a future ending


def test_scores_are_deterministic_and_bounded():
    for text, lang in (("", "en"), ("  ", "hi"), ("x" * 5000, "en"), ("42", ""), ("कम", "hi")):
        a, b = assess(text, lang), assess(text, lang)
        assert a == b and 0.0 <= a.score <= 1.0
    assert assess("", "en").reasons == ["no content"]
    # whole words only: "कमल" is no "कम", "goodwill" no "will"
    assert "comparison" not in " ".join(assess("कमल का फूल", "hi").reasons)
    assert "prediction" not in " ".join(assess("An act of goodwill.", "en").reasons)
