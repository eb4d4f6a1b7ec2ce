"""The key bar: the focused widget's keys, flat memory under 1,000s of focus changes (issue 11 #12)."""

from __future__ import annotations

import gc

from textual.widget import Widget

from tui.app import TbtuiApp
from tui.widgets.help_screen import HelpScreen
from tui.widgets.key_bar import KeyBar


def live_widgets() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if issubclass(type(o), Widget))  # type(): no proxy lookups


def bar_text(app) -> str:
    return "".join(seg.text for seg in app.screen._compositor.render_strips()[-1])


async def test_focus_changes_and_tab_switches_leave_no_widgets_behind(logdir, tb) -> None:
    """Textual's Footer kept every FooterKey it ever made: 4 widgets a Tab press here."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")

        shown: set[str] = set()

        async def churn(presses: int, tabs: str) -> None:
            for k in range(presses):
                await pilot.press("tab" if k % 3 else "shift+tab")
                if k % 3 == 2 and tabs:
                    await pilot.press(tabs[0])  # and a tab switch now and then
                    tabs = tabs[1:]
                shown.add(bar_text(app))
            await pilot.pause(0.2)

        await churn(21, "2345671")  # every tab and pane has been built once
        nodes, widgets = len(list(app.screen.walk_children())), live_widgets()
        shown.clear()
        await churn(25, "51")  # Footer left 4 widgets a press behind: about 100 here
        assert len(list(app.screen.walk_children())) == nodes
        assert live_widgets() <= widgets + 2, (widgets, live_widgets())
        assert len(shown) > 1  # the bar did follow the focus


async def test_the_bar_shows_the_focused_keys_and_a_click_presses_one(logdir, tb) -> None:
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        assert "space Toggle run" in bar_text(app) and "q Quit" in bar_text(app)
        await pilot.press("5")
        # The Text tab has the keyboard; this logdir has no text, so its [ ] (steps) are not listed.
        await tb.wait_for(pilot, lambda: "Toggle run" not in bar_text(app), what="text tab keys")
        assert "Earlier step" not in bar_text(app)
        assert bar_text(app).rstrip().endswith("^p palette")
        x = bar_text(app).index("? Help")
        await pilot.click(KeyBar, offset=(x + 1, 0))
        await tb.wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        # The help's keys, not the pane's below it (they do nothing while the help is open).
        await tb.wait_for(pilot, lambda: "Close help" in bar_text(app), what="the help's key bar")
        assert "Quit" not in bar_text(app)


async def test_a_bar_too_long_for_the_width_drops_whole_keys_and_keeps_the_palette(logdir, tb) -> None:
    """At 120 columns the chart's keys ended in "x X axis  d": a key cut from its description, and
    the palette key gone."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("tab", "tab")  # runs -> tags -> chart: the longest list of keys
        await tb.wait_for(pilot, lambda: "Reset zoom" in bar_text(app), what="the chart's keys")
        bar = bar_text(app)
        assert len(bar) == 120 and bar.rstrip().endswith("^p palette")
        shown = bar[: bar.index("^p palette")].rstrip()
        assert shown.endswith(("Zoom", "Dashboard", "X axis", "Smooth+", "Pause", "Filter"))  # a description
        bindings, _ = app.query_one(KeyBar)._entries()
        assert len(bindings) > sum(
            1 for b, _ in bindings if f" {b.description} " in bar + " "
        )  # some dropped


async def test_the_open_filter_bar_shows_its_own_keys_not_filter(logdir, tb) -> None:
    """With the filter open the bar said only "/ Filter": a key that types a slash there. It shows
    how to leave the bar (enter, esc) and how to switch its fields (tab)."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("slash")
        await tb.wait_for(pilot, lambda: "⏎ Keep" in bar_text(app), what="the filter's keys")
        bar = bar_text(app)
        assert "esc Cancel" in bar and "tab Runs/tags" in bar
        assert "Filter" not in bar and "Quit" not in bar
        await pilot.press("escape")
        await tb.wait_for(pilot, lambda: "/ Filter" in bar_text(app), what="the app's keys again")


async def test_keys_an_open_input_types_are_not_offered_in_the_bar(tb) -> None:
    """The graph's find box said "/ Find node" while "/" typed a slash into it (Textual names no
    character for the key "slash", so it never counted as a key the input takes)."""
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus"
    app = TbtuiApp(str(corpus / "tbx"))
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("4")
        await tb.wait_for(pilot, lambda: "Find node" in bar_text(app), what="the graph's keys")
        await pilot.press("slash")
        await tb.wait_for(pilot, lambda: "Find node" not in bar_text(app), what="the find box's keys")
        assert "Trace" not in bar_text(app) and "Quit" not in bar_text(app)
