"""The push timer: a push of new data is not made on the timer's turn but after the screen's next
refresh (``call_after_refresh``), so keys already queued and a frame already due go first."""

from __future__ import annotations

from tui.app import TbtuiApp
from tui.widgets.run_list import RunList


async def test_a_timed_push_waits_for_the_screen(logdir, tb, monkeypatch):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        runs = app.query_one(RunList)
        runs.focus()
        await pilot.pause()
        pushed: list[bool] = []
        real_push = app.push
        monkeypatch.setattr(app, "push", lambda: (pushed.append(True), real_push()))
        runs.action_cursor_down()  # a key's answer, waiting for the next frame ...
        app.push_timer.throttle.delay()  # ... when new data makes the push timer fire
        app.push_timer._timed_push()
        assert not pushed and not app.is_settled  # not on the timer's turn, and still due
        await tb.wait_for(pilot, lambda: bool(pushed), what="the push")
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="settled again")
        assert runs.cursor == 1 and app.view.focused_run == runs.current_run
