"""Freed memory given back to the system (model.heap): when, and what a run says it holds to pack."""

from __future__ import annotations

import numpy as np
import pytest

from tui.model import heap
from tui.model.run import Run
from tui.model.series import ScalarSeries


@pytest.fixture
def trims(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(heap, "_trim", calls.append)
    monkeypatch.setattr(heap, "_freed_since", 0)
    return calls


def test_freed_gives_back_once_per_every_bytes(trims: list[int]) -> None:
    step = heap.EVERY_BYTES // 4
    for _ in range(3):
        heap.freed(step)
    assert trims == []  # many small frees (runs) cost no call each
    heap.freed(step)
    assert trims == [0]
    heap.freed(heap.EVERY_BYTES - 1)
    assert trims == [0]
    heap.freed(1)
    assert trims == [0, 0]


def test_give_back_says_whether_the_allocator_can(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_trim", None)
    assert heap.give_back() is False
    monkeypatch.setattr(heap, "_trim", lambda pad: 1)
    assert heap.give_back() is True


def test_pending_bytes_are_the_batches_not_packed_yet() -> None:
    run = Run("r")
    s = ScalarSeries()
    run.scalars = {"loss": s}
    assert run.pending_bytes() == 0
    s.append(np.arange(10), np.zeros(10), np.ones(10, np.float32))
    s.append(np.arange(10, 15), np.zeros(5), np.ones(5, np.float32))
    assert run.pending_bytes() == 15 * (8 + 8 + 4)
    s.snapshot()  # packs them
    assert run.pending_bytes() == 0
    assert run.trim_room()
