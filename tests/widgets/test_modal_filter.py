"""Issue 12 #3: text typed in the filter bar is text, never a command; its fields are out of the Tab cycle."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TabbedContent

from tui.app import TbtuiApp
from tui.widgets.filter_input import FilterBar
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import ScalarChart


async def test_tab_moves_between_the_filter_fields_and_typing_never_runs_commands(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("tab", "tab", "slash", *"gamma", "tab", *"loss")
        await pilot.pause()
        bar = app.query_one(FilterBar)
        assert bar.editing
        assert app.query_one("#tag-filter", Input).value == "gamma"
        assert app.query_one("#run-filter", Input).value == "loss"
        assert app.focused is app.query_one("#run-filter", Input)
        # "o" did not hide runs, "s s" did not raise smoothing.
        assert app.view.hidden == set() and app.view.options.smoothing == 0.6
        await pilot.press("shift+tab")
        assert app.focused is app.query_one("#tag-filter", Input)
        await pilot.press("escape")  # leaves the bar and restores what was there
        await pilot.pause()
        assert not bar.editing and not isinstance(app.focused, Input)
        assert (app.view.run_regex, app.view.tag_regex) == ("", "")


async def test_filters_set_on_the_command_line_are_not_in_the_tab_cycle(logdir, tb):
    app = TbtuiApp(logdir, tags="loss")
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        assert app.query_one(FilterBar).display
        seen = []
        for _ in range(6):
            await pilot.press("tab")
            seen.append(app.focused)
        assert not any(isinstance(w, Input) for w in seen), seen
        assert any(isinstance(w, ScalarChart) for w in seen) and any(isinstance(w, RunList) for w in seen)
        chart = app.query_one(ScalarChart)
        chart.focus()
        await pilot.press("G")
        assert app.view.tag_regex == "loss" and app.query_one("#tag-filter", Input).value == "loss"


async def test_enter_keeps_the_filter_and_gives_the_keyboard_back(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("slash", *"gam", "enter")
        await pilot.pause()
        assert app.view.run_regex == "gam" and isinstance(app.focused, RunList)
        await pilot.press("tab", "tab", "tab", "tab")
        assert not isinstance(app.focused, Input)


async def test_keys_typed_right_after_slash_go_into_the_filter(logdir, tb):
    """``/19`` typed fast: the 1 and the 9 went to the runs list, which had the keyboard when they
    arrived, and came back to the app as commands (tab switches) instead of filter text."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        app.query_one(RunList).focus()
        await pilot.pause()
        tabs = app.query_one(TabbedContent)
        before = tabs.active
        # Posted at once, as a terminal delivers a burst: no pause for the app between them.
        for key, char in (("slash", "/"), ("1", "1"), ("9", "9")):
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        assert app.query_one("#run-filter", Input).value == "19"
        assert tabs.active == before
