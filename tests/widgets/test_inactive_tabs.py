"""Tabs with nothing to show stay out of the tab bar, the command palette still opens them, and the
number keys stay fixed (issue 15): as TensorBoard lists only active dashboards, but nothing moves."""

from __future__ import annotations

from textual.widgets import TabbedContent, Tabs

from tui.app import TABS, TbtuiApp


def bar(app: TbtuiApp) -> list[str]:
    """The labels the tab bar shows, in order."""
    return [str(t.label) for t in app.query_one(Tabs).query("Tab") if t.display]


async def test_empty_tabs_stay_out_of_the_bar_the_palette_opens_them_and_keys_stay(logdir, tb) -> None:
    app = TbtuiApp(logdir)  # scalars only: no PR curves, custom scalars, audio, mesh or embedding
    async with app.run_test(size=(160, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        assert app.hidden_tabs == {"pr_curves", "custom_scalars", "more"}
        shown = bar(app)
        assert len(shown) == 7 and not any("PR" in s or "Custom" in s or "Audio" in s for s in shown)
        active = lambda: app.query_one(TabbedContent).active  # noqa: E731
        # Keys stay fixed: 0 is the tenth tab whether or not 8 and 9 are in the bar.
        await pilot.press("0")
        await tb.wait_for(pilot, lambda: active() == "more", what="0 opens the last tab")
        await pilot.press("3")
        await tb.wait_for(pilot, lambda: active() == TABS[2].id, what="3 is still Distributions")
        # The palette lists every tab and opens one that is out of the bar.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Tab: Custom")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await tb.wait_for(pilot, lambda: active() == "custom_scalars", what="palette opens Custom Scalars")
        assert "custom_scalars" not in app.hidden_tabs  # opened, it joins the bar and says what is missing
        assert "No custom scalars layout" in app.export_screenshot().replace("&#160;", " ")
        await pilot.press("8")
        await tb.wait_for(pilot, lambda: active() == "pr_curves", what="8 still opens PR Curves")


async def test_the_tab_bar_fits_every_width_without_cutting_a_label(logdir, tb) -> None:
    """At 80 columns with the runs pane shown (z), and at 110 with all ten tabs, Textual cut the bar
    at its edge mid-label ("8 P", "0 Mo"). Now the labels are full, short, or the number keys with the
    active tab's title: every label whole on screen."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(110, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        for tab in sorted(app.hidden_tabs):  # all ten tabs in the bar, as a logdir with every kind
            app.hidden_tabs.discard(tab)
            app.query_one(TabbedContent).show_tab(tab)

        def line() -> str:
            tabs = app.query_one(Tabs)
            region = tabs.region
            strip = app.screen._compositor.render_strips()[region.y]
            return "".join(seg.text for seg in strip)[region.x : region.right]

        async def check(width: int, *, runs_shown: bool) -> str:
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
            if runs_shown != bool(app.query_one("#runs").display and app.query_one("#runs").size.width):
                await pilot.press("z")
            await pilot.pause()
            await pilot.pause()
            text = line()
            for label in bar(app):
                assert f" {label}" in f" {text} ", (width, label, text)
            return text

        assert "0 More" in await check(110, runs_shown=True)
        text = await check(80, runs_shown=True)
        assert text.split()[:2] == ["1", "Scalars"] and "Hist" not in text  # only the active one's title
        await pilot.press("8")
        await pilot.pause()
        await pilot.pause()
        assert "8 PR" in line() and "Scalars" not in line()
        assert "0 More" in await check(80, runs_shown=False)  # runs pane collapsed: short titles fit
