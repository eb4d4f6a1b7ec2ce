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
