"""The collector during the first pass: what the pass has made is held out of every collection
(gc.freeze at each push) until the pass ends, when one full collection sees all of it."""

from __future__ import annotations

import gc
import weakref

from tui.widgets.gc_pause import GcPause


class _Node:
    me: object


def test_the_first_pass_is_held_out_of_collections_until_it_ends() -> None:
    pause = GcPause()
    cycle = _Node()
    cycle.me = cycle  # garbage only a collection finds, once dropped
    ref = weakref.ref(cycle)
    pause.hold_pass()  # a push of the first pass
    try:
        assert pause.holding and not pause.frozen and gc.get_freeze_count() > 0
        del cycle
        gc.collect()
        assert ref() is not None  # held: no collection walks it while the pass reads
        pause.freeze()  # the pass is read and on screen
        assert ref() is None  # its one full collection saw what the holds kept
        assert pause.frozen and not pause.holding and gc.get_freeze_count() > 0
        pause.hold_pass()  # a push after the pass: nothing more is held
        assert not pause.holding
    finally:
        pause.close()
    assert gc.get_freeze_count() == 0 and not pause.holding


def test_closing_mid_pass_lets_go_of_what_was_held() -> None:
    pause = GcPause()
    cycle = _Node()
    cycle.me = cycle
    ref = weakref.ref(cycle)
    pause.hold_pass()
    del cycle
    pause.close()  # the app ends before its first pass does
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert ref() is None
