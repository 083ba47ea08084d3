"""The compiled kernel (claims/_speedups.pyx) gives what its pure-Python reference gives: word
tokens, the word starts a literal pattern is tried at, the cue model's decisions, and so whole
extractions, on our own fixtures, on generated text and on the real articles of ../shared."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims import extract_article
from claims.lang import load
from claims.learn.cuemodel import _START, load_model
from claims.learn.features import quote_marks
from claims.pipeline import context, cues, persons
from claims.pipeline.frames.base import Doc
from claims.pipeline.text import python_tokens, tokens
from claims.speedups import CompiledFinder, _manifest, kernel, unchanged

ROOT = Path(__file__).resolve().parent
SHARED = ROOT.parents[1] / "shared"
K = kernel()
needs_kernel = pytest.mark.skipif(K is None, reason="the compiled kernel is not built here (no C compiler?)")

# the shapes tokenisation has to get right: joiners inside words and at their ends, dotted
# abbreviations, digits, underscores, combining marks of Devanagari and Latin, ZWJ/ZWNJ, other scripts
SAMPLES = [
    "",
    "Kassym-Jomart Tokayev said: “We’ll see.” The U.S.-led talks (3.5%) end at 5 p.m.",
    "o'clock rock'n'roll -lead trail- a--b it's ’twas e.g. ...dots... x_y __init__ snake_case_1",
    "प्रधानमंत्री नरेंद्र मोदी ने कहा कि भारत-रूस संबंध “मज़बूत” हैं। उन्होंने कहा, “हम साथ हैं।”",
    "क्ष‍ि क्‌ष café naïve Zoë résumé ﬁ ½ ² ٣ 𝟙 日本語 Ωμέγα Москва́ שָׁלוֹם مرحبا ✓ 🙂",
    "\n\n  \t trailing space and\nnew lines\r\n",
]
ALPHABET = st.sampled_from(list("aZ9_-'’. ,\n“”\"()कहाि्ं़‍‌éñ٣ü।!?«") + ["\u0301", "\u200d", "\ufe20", "\u200b", "x"])


def _windows(text: str) -> list[tuple[int, int]]:
    n = len(text)
    out = [(0, n), (0, n // 2), (n // 3, n), (1, max(1, n - 1)), (n // 2, n // 2 + 7), (0, n + 10)]
    if n < 120:  # every start and end, inside words too ("re|said" must not give "said")
        out += [(a, n) for a in range(n)] + [(0, b) for b in range(n)]
    return out


@needs_kernel
@pytest.mark.parametrize("text", SAMPLES)
def test_compiled_tokens_are_the_regex_tokens(text):
    for a, b in _windows(text):
        assert tokens(text, a, b) == python_tokens(text, a, b), (a, b)
    assert all(type(t).__name__ == "Token" for t in tokens(text, 0, len(text)))


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=60), st.integers(0, 60), st.integers(0, 70))
def test_compiled_tokens_on_generated_text(text, a, b):
    assert tokens(text, a, b) == python_tokens(text, a, b)


def _literal_patterns() -> list[cues.WordPattern]:
    """Every pattern of the packs that the kernel may scan for: cues, dates, venue anchors, titles."""
    out = []
    for code in ("en", "hi"):
        out.append(cues._compiled(code)[0])
        out.append(context._date_words(code)[0])
        out.append(context._anchor_pattern(code))
        titled = persons._titled_patterns(code)
        if titled:
            out.append(titled[0])
    out.append(context._venue_pattern("hi"))
    return [p for p in out if p.heads is not None]


@needs_kernel
def test_every_literal_pattern_has_its_heads():
    assert len(_literal_patterns()) >= 8


HEADS_TEXT = ["said, told. According to, said-it resaid saidx Tuesday 9 January", "उसने कहा"]


@needs_kernel
@pytest.mark.parametrize("text", [*SAMPLES, *HEADS_TEXT])
def test_the_scan_of_heads_finds_what_the_search_finds(text):
    for pattern in _literal_patterns():
        for a, b in _windows(text):
            b = min(b, len(text))
            fast = [m.span() for m in pattern.finditer(text, a, b)]
            assert fast == [m.span() for m in pattern.search_iter(text, a, b)], (pattern.regex.pattern[:40], a, b)


@needs_kernel
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["said", "told", "says", "कहा", "ने", "Tuesday", "interview", " ", ", ", "-", "ि"])))
def test_the_scan_of_heads_on_generated_text(parts):
    text = "".join(parts)
    for pattern in _literal_patterns():
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in pattern.search_iter(text, 0, len(text))]


def test_a_phrase_starting_with_no_word_character_is_searched():
    assert cues.first_words(["said", "according to", "co-founder"]) == frozenset({"said", "according", "co"})
    assert cues.first_words(["“quote", "said"]) is None  # may match where no word starts


def _articles() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "fixtures").rglob("*.txt"))]
    texts += SAMPLES
    dev = SHARED / "data" / "polnear" / "dev" / "text"
    if dev.is_dir():
        texts += [p.read_text("utf-8") for p in sorted(dev.glob("*.txt"))[:30]]
    return texts


@needs_kernel
def test_compiled_cue_scores_decide_as_the_python_scores():
    model, pack = load_model(), load("en")
    scorer = model.compiled
    decided = 0
    for text in _articles():
        doc = Doc.build(text, pack)
        words = tokens(text, 0, len(text))
        starts = list(map(_START, words))
        cands = K.candidates(words, model.vocab)
        assert cands == [k for k, w in enumerate(words) if w.text.lower() in model.vocab]
        marks = quote_marks(text)
        got = scorer.accepted(doc, words, starts, cands, marks, model.logit)
        assert got == scorer.accepted_python(doc, words, starts, cands, marks, model.logit)
        decided += len(got)
    assert decided > 10


_EXTRACT = """
import json, sys
from claims import extract_article
from claims.speedups import mode
out = [mode()]
for path in sys.argv[1:]:
    ex = extract_article(open(path, encoding="utf-8").read(), article_id="a")
    out.append([repr(c) for c in ex.claims] + [repr(ex.speakers)])
print(json.dumps(out))
"""


def _extract_in(env_pure: bool, paths: list[str]) -> list:
    env = {k: v for k, v in os.environ.items() if k != "CLAIMS_PURE"}
    if env_pure:
        env["CLAIMS_PURE"] = "1"
    run = subprocess.run([sys.executable, "-c", _EXTRACT, *paths], env=env, capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


@needs_kernel
def test_whole_extractions_are_the_same_compiled_and_pure(tmp_path):
    paths = [str(p) for p in sorted((ROOT / "fixtures").rglob("*.txt"))]
    seed = SHARED / "seed" / "kz_csto_hi.txt"
    if seed.exists():
        paths.append(str(seed))
    for i, text in enumerate(SAMPLES[1:5]):
        (tmp_path / f"s{i}.txt").write_text(text, "utf-8")
        paths.append(str(tmp_path / f"s{i}.txt"))
    compiled, pure = _extract_in(False, paths), _extract_in(True, paths)
    assert compiled[0] in ("compiled", "kernel") and pure[0] == "python"
    assert compiled[1:] == pure[1:]
    assert sum(len(x) for x in compiled[1:]) > len(paths)  # claims were found, not two empty lists


def test_the_kernel_is_built_where_there_is_a_compiler():
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler: the pure-Python code runs")
    if os.environ.get("CLAIMS_PURE"):
        pytest.skip("CLAIMS_PURE is set")
    assert K is not None, "claims._speedups was not built: reinstall with `make setup` (Cython needs gcc)"


def test_an_edited_source_is_not_run_compiled(tmp_path):
    source = tmp_path / "_speedups.pyx"
    source.write_text("# the source")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert unchanged(source, digest)
    later = time.time() + 5
    os.utime(source, (later, later))
    assert unchanged(source, digest)  # touched (a checkout), not changed: still the built source
    source.write_text("# the source, edited")
    assert not unchanged(source, digest)
    assert unchanged(tmp_path / "absent.pyx", digest)  # a wheel ships the module without its source


def test_the_kernel_is_checked_against_the_manifest():
    if K is None:
        pytest.skip("the compiled kernel is not built here")
    entry = _manifest()["kernel"]
    assert entry["source"] == "claims/_speedups.pyx"
    assert unchanged(ROOT.parent / entry["source"], entry["sha256"])


def test_pure_mode_is_chosen_by_the_environment():
    env = {**os.environ, "CLAIMS_PURE": "1"}
    code = "from claims.speedups import mode; print(mode())"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "python"
    assert extract_article("The minister said that the talks will go on.", lang="en").claims


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=60), st.integers(0, 60), st.integers(0, 70))
def test_character_scans_find_what_the_character_classes_find(text, a, b):
    from claims.pipeline import normalise
    from claims.pipeline.text import _char_class, char_positions

    for chars in ('"“”«»', ".?!", "।॥?!.", "'’‘\"“”"):
        expected = [m.start() for m in _char_class(tuple(chars)).finditer(text, a, b)]
        assert char_positions(text, chars, a, b) == expected
    assert normalise._has_combining(text) == (normalise._COMBINING.search(text) is not None)
    assert normalise._needs_table(text) == (normalise._NEEDS.search(text) is not None)


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(ALPHABET, st.sampled_from(list("\u0901\u0929\u0958\u095b\u093c\u00ad\u2060"))), max_size=60))
def test_folding_a_string_replaces_only_where_the_table_would(text):
    # fold_string replaces the characters present instead of translating each one through a dict
    import unicodedata

    from claims.pipeline import normalise

    assert normalise.fold_string(text) == unicodedata.normalize("NFC", text).translate(normalise._TABLE)


@needs_kernel
def test_character_scans_on_the_samples():
    from claims.pipeline import normalise

    for text in [*SAMPLES, "a\u0301", "\ufe2f", "\u1100x", "क़", "\u200b"]:
        found = K.first_in_ranges(text, normalise._COMBINING_RANGES)
        m = normalise._COMBINING.search(text)
        assert found == (m.start() if m else -1)
        assert normalise._needs_table(text) == (normalise._NEEDS.search(text) is not None)


def test_the_extraction_modules_run_compiled_where_there_is_a_compiler():
    if not (shutil.which("cc") or shutil.which("gcc")) or os.environ.get("CLAIMS_PURE"):
        pytest.skip("no C compiler, or CLAIMS_PURE: the modules run as Python")
    import claims.pipeline.engine
    import claims.pipeline.mentions

    for module in (claims.pipeline.engine, claims.pipeline.mentions):
        assert Path(module.__file__).suffix == ".so", f"{module.__name__} is not compiled: reinstall with `make setup`"


def test_a_compiled_copy_runs_only_while_its_source_is_unchanged(tmp_path):
    (tmp_path / "pkg").mkdir()
    source = tmp_path / "pkg" / "mod.py"
    source.write_text("X = 1\n")
    built = tmp_path / "built" / "mod.so"
    built.parent.mkdir()
    built.write_bytes(b"\0")
    entry = {"file": "mod.so", "source": "pkg/mod.py", "sha256": hashlib.sha256(source.read_bytes()).hexdigest()}
    finder = CompiledFinder(tmp_path / "built", tmp_path, {"pkg.mod": entry})
    spec = finder.find_spec("pkg.mod")
    assert spec is not None and spec.origin == str(built)
    assert finder.find_spec("pkg.other") is None  # not listed: the import system decides
    source.write_text("X = 2\n")  # edited after the build
    with pytest.warns(RuntimeWarning, match="changed after it was compiled"):
        assert finder.find_spec("pkg.mod") is None
    assert finder.stale == ["pkg.mod"]
    source.write_text("X = 1\n")
    built.unlink()  # the copy gone (or inside a zip): the source runs
    assert finder.find_spec("pkg.mod") is None


@needs_kernel
@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.one_of(st.integers(0, 60), st.integers(0, 2**62)), max_size=30).map(lambda xs: sorted(set(xs))),
            st.booleans(),
        ),
        max_size=8,
    ),
    st.integers(1, 3),
)
def test_shared_ids_kernel_gives_what_counting_gives(lists, need):
    """Grouping's candidates: the kernel counts the sorted postings (lists, or arrays as the
    stored postings are read) in a hash table, Python with a Counter; the same ids in the same
    order (most lists first, then first appearance), cut at MAX_CANDIDATES."""
    from array import array
    from collections import Counter
    from itertools import chain

    from claims.store.grouping import MAX_CANDIDATES, _most_shared

    given_lists = [array("q", xs) if as_array else xs for xs, as_array in lists]
    want = _most_shared(Counter(chain.from_iterable(xs for xs, _ in lists)), need)
    assert K.shared_ids(given_lists, need, MAX_CANDIDATES) == want
    assert K.shared_ids(given_lists, need, MAX_CANDIDATES) == want  # the table reused, not cleared


@needs_kernel
def test_shared_ids_finds_ids_that_fall_in_one_slot():
    # ids a multiple of a large power of two apart hash near each other: probed past, not lost
    from array import array
    from collections import Counter
    from itertools import chain

    from claims.store.grouping import MAX_CANDIDATES, _most_shared

    ids = [i << 40 for i in range(1, 3000)]
    lists = [ids, array("q", ids[::2]), ids[::3]]
    want = _most_shared(Counter(chain.from_iterable(lists)), 2)
    assert len(want) == MAX_CANDIDATES and K.shared_ids(lists, 2, MAX_CANDIDATES) == want


@needs_kernel
def test_shared_ids_refuses_lists_out_of_order():
    assert K.shared_ids([[1, 3, 2], [2, 3]], 2, 40) is None
    assert K.shared_ids([[1, 1, 2]], 1, 40) is None  # a repeat is out of order too
    assert K.shared_ids([[5], [1, 5], [5, 9]], 2, 40) == [5]
    assert K.shared_ids([[i] for i in range(65)], 1, 40) is None  # more lists than the kernel holds
    from array import array

    assert K.shared_ids([array("q", [3, 2])], 1, 40) is None  # an array out of order
    assert K.shared_ids([[1, "2"]], 1, 40) is None  # not ints: Python counts them
    assert K.shared_ids([[True, 2]], 1, 40) is None  # nor a bool
    assert K.shared_ids([array("i", [1, 2])], 1, 40) is None  # an array of another type
    assert K.shared_ids([(1, 2)], 1, 40) is None
