"""Is a run still training? Live, stalled or finished, from when it last logged and how often it logs.

Event files carry no "done" marker, so the status is read from time: a run is *live* while its last
event is no older than a few of its usual intervals (the median gap between its recent events), with
a grace for writers that flush every two minutes (torch's and tensorboardX's default); *stalled* when
it has been silent for longer than that, and either this session saw it grow or it went silent less
than :data:`FINISHED_AFTER` ago (a crashed or hung job: "12m" since its last event); *finished* when
it was already silent that long when the app opened and has not grown since.

Silence is measured from what this session saw (the last time new events arrived) when it saw any,
else from the older of the last event's wall time and the newest file's mtime: a copied logdir (fresh
mtimes, old events) is not taken for live, nor a writer whose clock runs ahead; one whose clock runs
behind looks live again as soon as its events are seen arriving.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tui.model.logdir import Logdir
from tui.model.run import Run

__all__ = ["FINISHED_AFTER", "RunStatus", "RunWatch", "format_age", "usual_gap"]

#: Silence (seconds) under which a run counts as live whatever its interval: torch and tensorboardX
#: flush every 120 s by default, so a slow writer's file may not move for that long.
LIVE_GRACE = 130.0
#: A live run's silence may reach this many of its usual intervals.
INTERVALS = 5.0
#: A run silent this long when the app opened (and quiet since) is finished, not stalled.
FINISHED_AFTER = 30 * 60.0
#: A usual interval under this (seconds) is a burst (a sweep's short job writing in a tight loop),
#: not a pace: "every 4.4e-05 s" says nothing a user can use.
BURST = 0.05
#: Recent events the usual interval is the median gap of.
RECENT = 64


def format_age(seconds: float) -> str:
    """``45s``, ``12m``, ``3h``, ``2d``: a silence in at most 3-4 cells."""
    s = max(seconds, 0.0)
    if s < 60:
        return f"{s:.0f}s"
    if s < 3600:
        return f"{s // 60:.0f}m"
    if s < 86400:
        return f"{s // 3600:.0f}h"
    return f"{s // 86400:.0f}d"


def _next_age(seconds: float) -> float:
    """The silence at which :func:`format_age` next reads differently."""
    s = max(seconds, 0.0)
    if s < 60:
        return min(math.floor(2 * s + 1) / 2, 60.0)  # ``45s`` is rounded: it may move at each half
    unit = 60 if s < 3600 else 3600 if s < 86400 else 86400
    return (s // unit + 1) * unit


def _long_form(seconds: float) -> str:
    if seconds < 9.95:  # a writer's usual interval is often under a second: 0.5 s, not 0 s
        return f"{seconds:.2g} s"
    short = format_age(seconds)
    unit = {"s": "s", "m": "min", "h": "h", "d": "days"}[short[-1]]
    return f"{short[:-1]} {unit}"


@dataclass(frozen=True, slots=True)
class RunStatus:
    """``kind`` is "live", "stalled", "finished", or "" while the run has no event yet."""

    kind: str = ""
    silence: float = 0.0
    interval: float | None = None
    #: Seconds from now during which the status reads the same (its kind, and the ``12m`` of a
    #: stalled run): a list of thousands of runs is rebuilt only when one of them would change.
    lasts: float = math.inf

    @property
    def short(self) -> str:
        """What the runs pane shows: ``live``, the silence of a stalled run (``12m``), ``done``."""
        return {"live": "live", "finished": "done", "stalled": format_age(self.silence)}.get(self.kind, "")

    def describe(self) -> str:
        """The status bar's words for it."""
        if self.kind != "stalled":
            return self.kind
        if not self.interval:
            usual = ""
        elif self.interval < BURST:  # a loop writing without pause, then gone: no rate to speak of
            usual = " (it logged in a burst)"
        else:
            usual = f" (it logged every {_long_form(self.interval)})"
        return f"stalled: no new event for {_long_form(self.silence)}{usual}"


class RunWatch:
    """Remembers, per run, when this session last saw it grow, and derives each run's status."""

    def __init__(self) -> None:
        self._last_wall: dict[str, float | None] = {}
        self._grew_at: dict[str, float] = {}
        self._intervals: dict[str, tuple[int, float | None]] = {}

    def observe(self, logdir: Logdir, now: float, *, loading: bool = False) -> None:
        """Note the runs that gained events since the last look. The first look after the first pass
        (``loading`` says it is still going) is the baseline: what loading read at start is history,
        not growth; a run that appears later is new and is compared from its next look on."""
        if loading or not logdir.loaded_once:
            return
        for name, run in logdir.runs.items():
            last = run.last_wall_time
            if name in self._last_wall and last != self._last_wall[name]:
                self._grew_at[name] = now
            self._last_wall[name] = last

    def grew_at(self, name: str) -> float | None:
        """When this session last saw run ``name`` grow (None: not since it was first looked at)."""
        return self._grew_at.get(name)

    def status(self, run: Run, now: float) -> RunStatus:
        if run.last_wall_time is None:
            return RunStatus()
        interval = self._interval(run)
        grew = self._grew_at.get(run.name)
        if grew is not None:
            silence = now - grew
        else:
            mtimes = [r.mtime for r in run.files.values() if r.mtime]
            newest = min(run.last_wall_time, max(mtimes)) if mtimes else run.last_wall_time
            silence = now - newest
        silence = max(silence, 0.0)
        limit = max(INTERVALS * interval, LIVE_GRACE) if interval else LIVE_GRACE
        if silence <= limit:
            kind, lasts = "live", limit - silence
        elif grew is not None or silence < FINISHED_AFTER:
            kind, lasts = "stalled", _next_age(silence) - silence
            if grew is None:
                lasts = min(lasts, FINISHED_AFTER - silence)
        else:
            kind, lasts = "finished", math.inf
        return RunStatus(kind, silence, interval, max(lasts, 0.0))

    def _interval(self, run: Run) -> float | None:
        """The median gap between the recent events of the run's longest scalar series."""
        hit = self._intervals.get(run.name)
        if hit is not None and hit[0] == run.version:
            return hit[1]
        longest = max(run.scalars.values(), key=len, default=None)
        value = None
        if longest is not None and len(longest) > 1:
            value = usual_gap(longest.snapshot().wall_times[-RECENT:])
        self._intervals[run.name] = (run.version, value)
        return value


def usual_gap(walls: np.ndarray) -> float | None:
    """The median gap between the distinct times of ``walls`` (NaN left out); None with fewer
    than two.

    ``np.median(np.diff(np.unique(walls)))`` but without their checks and dispatch, which cost
    about 150 microseconds a run on these few dozen values: the runs pane asks for each run
    read, 2,000 of them in a sweep's first pass (300 ms of the UI thread's time at the first
    push, most of it here)."""
    times = np.sort(walls)
    gaps = times[1:] - times[:-1]
    gaps = np.sort(gaps[gaps > 0])  # the gaps between distinct times: np.unique's, then np.diff
    n = gaps.size
    if not n:
        return None
    mid = n // 2
    return float(gaps[mid]) if n % 2 else float((gaps[mid - 1] + gaps[mid]) / 2)
