"""When the screen catches up with the data, and when it has: the push timer and the settled signal.

The loader's messages mark the data changed; :class:`~tui.views.throttle.PushThrottle` says how long
the screen waits (at most a few pushes a second, the first data at once), and this sets the timer, holds
the push while a modal screen (help) is on top, redraws the runs' live / stalled status as the clock
moves it, and publishes :attr:`PushTimer.signal` each time the first pass is read and on screen.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from textual.css.query import NoMatches
from textual.signal import Signal

from tui.views.throttle import PUSH_INTERVAL, PushThrottle

if TYPE_CHECKING:
    from tui.app import TbtuiApp

__all__ = ["RUN_STATUS_INTERVAL", "PushTimer"]

#: Seconds between looks at the runs' live / stalled / finished status, which changes with time alone.
RUN_STATUS_INTERVAL = 15.0


class PushTimer:
    """Schedules ``app.push()`` and tells when ``app`` is settled."""

    def __init__(self, app: TbtuiApp) -> None:
        self._app = app
        self.throttle = PushThrottle(PUSH_INTERVAL)
        #: Published (with the app) each time the app becomes settled: see :attr:`settled`.
        self.signal: Signal[TbtuiApp] = Signal(app, "settled")

    def start(self) -> None:
        """After the first (empty) screen: the first data is not delayed by it, and the runs' status
        is looked at every :data:`RUN_STATUS_INTERVAL` seconds."""
        self.throttle.last_push = 0.0
        self._app.set_interval(RUN_STATUS_INTERVAL, self._age_run_status, name="run-status")

    def schedule(self) -> None:
        """Something changed: the screen catches up when the throttle says (at most a few times a second)."""
        delay = self.throttle.delay()
        if delay is not None:
            self._app.set_timer(delay, self._timed_push, name="push")

    def _on_main_screen(self) -> bool:
        app = self._app
        return bool(app.screen_stack) and app.screen is app.screen_stack[0]

    def _timed_push(self) -> None:
        """The timer fired: push once the screen has drawn what is pending (keys first).

        A key handled just before the timer fired (``j`` in the runs list while 2,000 runs load)
        has its answer waiting for the next screen refresh; pushing at once put the push and the
        frame of everything it changed before that refresh, 50-100 ms more before the key showed.
        ``call_after_refresh`` also lets messages already queued (keys) be handled first."""
        self._app.call_after_refresh(self._push_now)

    def _push_now(self) -> None:
        # A timer may fire while the app is shutting down or a modal screen (help) is on top;
        # the main screen's widgets are then not queryable, and the push waits for the next one.
        app = self._app
        if not self.throttle.dirty or not app.screen_stack or not app.is_running:
            self.throttle.scheduled = False
            return
        if not self._on_main_screen():
            app.set_timer(PUSH_INTERVAL, self._timed_push, name="push")
            return
        self.throttle.scheduled = False
        with contextlib.suppress(NoMatches):  # the screen is being torn down (quit)
            app.push()

    def _age_run_status(self) -> None:
        """A run turns from live to stalled with no new data: redraw the runs pane and the status line
        from the clock (both compare with what they show and write nothing when it is the same)."""
        if self._app.view.paused or not self._on_main_screen():
            return
        with contextlib.suppress(NoMatches):
            self._app.show_runs()
            self._app.update_status()

    def pushed(self, *, with_data: bool) -> None:
        """The screen caught up (``with_data``: some run has scalars to show)."""
        app = self._app
        self.throttle.pushed(with_data=with_data)
        if self.throttle.first_data_push is not None:
            app.loader.first_frame_shown.set()
        self.check_settled()

    @property
    def settled(self) -> bool:
        """The first pass has read everything and the screen shows it: nothing waits to be drawn."""
        app = self._app
        return (
            not app.load_state.history
            and app.logdir.loaded_once
            and self.throttle.settled
            and all(pane.is_mounted for pane in app.panes.values())  # the Lazy tabs too
        )

    def check_settled(self) -> None:
        """Publish :attr:`signal` when settled (and keep the first pass's objects out of later
        garbage collections: they live on)."""
        if self.settled:
            gc_pause = self._app.gc_pause
            if not gc_pause.frozen:
                gc_pause.freeze()
            self.signal.publish(self._app)
