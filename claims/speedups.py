"""Which version of the extraction code runs: compiled by Cython at install time, or pure Python.

Two compiled parts, both optional and both giving the same results as the Python they replace
(``tests/test_speedups.py``):

- :mod:`claims._speedups`, a small kernel written for C (word tokens, the cue model's scoring,
  character scans), called from the modules that keep its pure-Python reference beside it
  (``claims.pipeline.text.python_tokens``, ``claims.learn.cuemodel.Scorer.accepted_python``);
- compiled copies of the extraction modules themselves (``claims/pipeline/**``, the cue model),
  built from the same .py files into ``claims/_compiled/`` with a manifest of their sources'
  SHA-256 (the kernel's source too). :func:`install` puts a finder in front of the import system
  that loads a copy only while its source is byte for byte the one it was built from, and
  :func:`kernel` holds the kernel to the same rule: an edited module runs as Python
  (with a warning) until ``make setup`` rebuilds it, so an edit is never hidden by stale C.

The pure-Python code runs when nothing was compiled (no C compiler at install time, the package
shipped to Spark executors as a zip), or when ``CLAIMS_PURE=1`` is set (to compare the two).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from functools import cache
from pathlib import Path
from types import ModuleType

_PACKAGE = Path(__file__).resolve().parent
_COMPILED = _PACKAGE / "_compiled"


def pure() -> bool:
    """Whether ``CLAIMS_PURE`` asks for the pure-Python code."""
    return os.environ.get("CLAIMS_PURE", "").strip() not in ("", "0")


@cache
def _manifest() -> dict:
    """``claims/_compiled/manifest.json`` as setup.py wrote it ({} when nothing was built)."""
    try:
        return json.loads((_COMPILED / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def unchanged(source: Path, digest: str) -> bool:
    """Whether ``source`` is still the file whose SHA-256 is ``digest``, the one a compiled module
    was built from (an installed wheel may ship no source: nothing to check then)."""
    return not source.exists() or hashlib.sha256(source.read_bytes()).hexdigest() == digest


@cache
def kernel() -> ModuleType | None:
    """The compiled kernel, or ``None`` when the pure-Python code is to run (read once per process)."""
    if pure():
        return None
    try:
        from claims import _speedups
    except ImportError:
        return None
    entry = _manifest().get("kernel")
    if entry is None or not unchanged(_PACKAGE.parent / entry["source"], entry["sha256"]):
        warnings.warn(
            f"{_PACKAGE / '_speedups.pyx'} is not the source {Path(_speedups.__file__).name} was built from; "
            "running the pure-Python code (rebuild with `make setup` or `pip install -e .`)",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    return _speedups


class CompiledFinder(importlib.abc.MetaPathFinder):
    """Finds the compiled copy of a module listed in ``manifest`` (module name -> its built file
    under ``folder``, its source under ``package_root`` and the source's SHA-256), when the file
    is there and the source has not changed since; every other name is left to the import system."""

    def __init__(self, folder: Path, package_root: Path, manifest: dict[str, dict[str, str]]) -> None:
        self.folder, self.root, self.modules = folder, package_root, manifest
        self.stale: list[str] = []

    def find_spec(self, fullname: str, path=None, target=None) -> importlib.machinery.ModuleSpec | None:
        entry = self.modules.get(fullname)
        if entry is None:
            return None
        built = self.folder / entry["file"]
        if not built.is_file():  # inside a zip (Spark's --py-files), or deleted
            return None
        if not unchanged(self.root / entry["source"], entry["sha256"]):
            self.stale.append(fullname)
            warnings.warn(
                f"{entry['source']} changed after it was compiled; running it as Python "
                "(`make setup` rebuilds the compiled copy)",
                RuntimeWarning,
                stacklevel=2,
            )
            return None
        return importlib.util.spec_from_file_location(fullname, built)


def install() -> CompiledFinder | None:
    """Put the finder of compiled copies first on ``sys.meta_path`` (once); ``None`` when there
    are none or ``CLAIMS_PURE`` is set. Called by ``claims/__init__.py`` before anything else."""
    if pure():
        return None
    for finder in sys.meta_path:
        if isinstance(finder, CompiledFinder):
            return finder
    manifest = _manifest().get("modules")
    if not manifest:
        return None
    finder = CompiledFinder(_COMPILED, _PACKAGE.parent, manifest)
    sys.meta_path.insert(0, finder)
    return finder


def mode() -> str:
    """What runs, for benchmarks to print: ``compiled`` (kernel and module copies), ``kernel``
    (the kernel only) or ``python``."""
    if kernel() is None:
        return "python"
    engine = sys.modules.get("claims.pipeline.engine")
    copies = engine is not None and Path(getattr(engine, "__file__", "") or "").suffix in (".so", ".pyd")
    return "compiled" if copies else "kernel"
