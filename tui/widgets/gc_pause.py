"""Python's garbage collector kept out of the way of a key's answer.

CPython's cyclic collector runs whenever enough container objects were allocated, wherever the
program is: inside a key's handler as often as anywhere. Drawing a frame allocates thousands of
strips, segments and styles, so a collection lands in about every other key's answer, and a full
(oldest generation) one walks every object the app holds: measured in ``benchmarks/soak.py``
after three minutes of live data, 150-240 ms on a loaded machine for the ~170,000 objects of the
app and its first pass (imports, Textual's DOM, the logdir's runs), which was most of the
key-to-screen p95. Three measures, all on the UI thread and all undone when the app ends:

- :meth:`GcPause.freeze` once the first pass is on screen: one full collection, then
  :func:`gc.freeze` moves every surviving object to the permanent generation, which no later
  collection walks. What the app creates after that (caches, new runs) is collected as before.
  Frozen objects freed by their reference count are still freed; only a cycle among them that
  becomes garbage later stays until :meth:`close` (the app's DOM and model live as long as it).
- :meth:`GcPause.hold_pass` after each push of the first pass: :func:`gc.freeze` alone (no
  collection), so the objects the pass has made so far (thousands of runs' rows, series and
  files) are walked by no collection until it ends. Before, a full collection every second or so
  walked them all on whichever thread allocated: 50-380 ms, on the UI thread often, and a key
  pressed while 2,000 runs loaded waited for it. :meth:`freeze` unfreezes them first, so its one
  full collection sees every object the pass left (a cycle that became garbage meanwhile too).
- :meth:`GcPause.pause` when a key or a click arrives: the collector is off until
  :data:`PAUSE_SECONDS` later, when what piled up is collected at once, after the answer was
  drawn (the same idea as Textual's ``PAUSE_GC_ON_SCROLL``). A pause is never extended by
  further keys, so however fast keys come, the collector runs at least every
  :data:`PAUSE_SECONDS`, and memory cannot pile up behind a held-down key.

Textual is not imported here: the app calls :meth:`pause` from its event handler and schedules
:meth:`resume` on its own timer.
"""

from __future__ import annotations

import gc

__all__ = ["PAUSE_SECONDS", "GcPause"]

#: Longest time the collector stays off after a key: a tab switch draws its frames in well under it.
PAUSE_SECONDS = 0.3


class GcPause:
    """The app's collector policy: freeze after the first pass, pause while a key is answered."""

    def __init__(self) -> None:
        #: The collector is off because of :meth:`pause` (and :meth:`resume` will turn it on).
        self.paused = False
        #: :meth:`freeze` ran (once per app).
        self.frozen = False
        #: :meth:`hold_pass` froze objects that :meth:`freeze` has not collected yet.
        self.holding = False

    def hold_pass(self) -> None:
        """While the first pass reads: leave everything alive now out of the collections until
        :meth:`freeze` (a no-op once it ran)."""
        if not self.frozen:
            self.holding = True
            gc.freeze()

    def freeze(self) -> None:
        """Collect once (what :meth:`hold_pass` held too), then leave everything alive now out of
        every later collection."""
        if self.frozen:
            return
        self.frozen = True
        if self.holding:
            self.holding = False
            gc.unfreeze()
        gc.collect()
        gc.freeze()

    def pause(self) -> bool:
        """Turn the collector off for a key's answer; True when the caller should schedule
        :meth:`resume` (False: already paused, or someone else turned the collector off)."""
        if self.paused or not gc.isenabled():
            return False
        gc.disable()
        self.paused = True
        return True

    def resume(self) -> None:
        """Turn the collector back on (what was allocated meanwhile is collected at the next
        allocation, now that the answer is on screen)."""
        if self.paused:
            self.paused = False
            gc.enable()

    def close(self) -> None:
        """Undo both: the collector on, the frozen objects collectable again (a process that runs
        several apps, like the test suite, would otherwise keep every app's cycles for ever)."""
        self.resume()
        if self.frozen or self.holding:
            self.frozen = self.holding = False
            gc.unfreeze()
