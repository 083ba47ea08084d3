"""Which version of the hottest loops runs: the compiled one (:mod:`claims._speedups`, built from
``claims/_speedups.pyx`` by Cython when the package is installed) or its pure-Python reference
(``claims.pipeline.text.python_tokens``, ``claims.learn.cuemodel.Scorer.accepted_python``).

Both give the same results (``tests/test_speedups.py``); the compiled one is about twice as fast.
The pure-Python one runs when the module is not there (no C compiler at install time, the package
shipped to Spark executors as a zip), when ``CLAIMS_PURE=1`` is set (to compare the two), or when
``_speedups.pyx`` is newer than the built module (an edit not yet rebuilt: ``make setup``
rebuilds it; running stale compiled code would hide the edit).
"""

from __future__ import annotations

import os
import warnings
from functools import cache
from pathlib import Path
from types import ModuleType


@cache
def kernel() -> ModuleType | None:
    """The compiled module, or ``None`` when the pure-Python code is to run (read once per process)."""
    if os.environ.get("CLAIMS_PURE", "").strip() not in ("", "0"):
        return None
    try:
        from claims import _speedups
    except ImportError:
        return None
    source = Path(__file__).with_name("_speedups.pyx")
    built = Path(_speedups.__file__)
    if stale(source, built):
        warnings.warn(
            f"{source} changed after {built.name} was built; running the pure-Python code "
            "(rebuild with `make setup` or `pip install -e .`)",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    return _speedups


def stale(source: Path, built: Path) -> bool:
    """Whether ``source`` was changed after ``built`` was compiled from it (a wheel ships no
    source: never stale then)."""
    return source.exists() and source.stat().st_mtime > built.stat().st_mtime


def mode() -> str:
    """``compiled`` or ``python``: which version :func:`kernel` chose (benchmarks print it)."""
    return "python" if kernel() is None else "compiled"
