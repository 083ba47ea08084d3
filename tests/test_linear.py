"""Extraction time grows linearly with hostile input: measured as a ratio of CPU times (4x the
input may take at most 8x the time; quadratic code takes about 16x), never against a clock, so a
slow machine does not fail it."""

from __future__ import annotations

import gc
import time

import pytest

from claims import extract

SOUPS = {
    "en said": ("Smith said, ", "en"),
    "en adding": ("Smith said, adding that ", "en"),
    "hi ne kaha": ("राम ने कहा, ", "hi"),
    "hi kahte hain": ("राम कहते हैं कि ", "hi"),
    "hi quotes": ("“सड़क खुलेगी” राम ने कहा। ", "hi"),
}


def _cpu_time(text: str, lang: str) -> float:
    gc.collect()
    gc.disable()  # the collector's pauses grow with the heap, not with our work
    try:
        t = time.process_time()
        extract(text, lang=lang)
        return time.process_time() - t
    finally:
        gc.enable()


def _best(small: str, large: str, lang: str, rounds: int = 5) -> tuple[float, float]:
    """The fastest CPU time of each input, the two measured in turn: a neighbour's load only ever
    slows a run down, and a slow spell of this shared machine then slows both sizes, not one."""
    best_small = best_large = float("inf")
    for _ in range(rounds):
        best_small = min(best_small, _cpu_time(small, lang))
        best_large = min(best_large, _cpu_time(large, lang))
    return best_small, best_large


@pytest.mark.parametrize("name", sorted(SOUPS))
def test_four_times_the_input_takes_at_most_six_times_the_time(name):
    unit, lang = SOUPS[name]
    small, large = _best(unit * 1500, unit * 6000, lang)
    # "en adding" measures 4.5-5.2x here and once reached 6.35x in CI in a slow spell: 8x still
    # tells linear from the quadratic scan this test was written against (about 16x)
    assert large <= 8 * max(small, 0.01), f"{name}: {small:.3f}s for 1500, {large:.3f}s for 6000"
