"""NO_COLOR: Textual's monochrome filter reads every segment's style, so none may be unstyled."""

from __future__ import annotations

from pathlib import Path

from tui.app import TbtuiApp

TBX = str(Path(__file__).parents[1] / "data" / "corpus" / "tbx")


async def test_every_tab_draws_under_no_color(monkeypatch, tb) -> None:
    """Each tab key on a real tensorboardX logdir (PR curves among them) draws without an error."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = TbtuiApp(TBX)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="the logdir loaded")
        for key in "8901234567":
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause(0.2)
        assert app.is_running and app.return_code in (None, 0)


async def test_no_color_leaves_no_colour_on_screen(monkeypatch, logdir, tb) -> None:
    """NO_COLOR means no colour: Textual's own filter turned every colour into a grey (``38;5;246``),
    so the screen was still drawn in colours. Every cell of every tab, the help and the filter bar
    carries attributes only (bold, dim, reverse, underline)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="the logdir loaded")

        def coloured() -> list[str]:
            return [
                f"{seg.text!r}: {seg.style}"
                for strip in app.screen._compositor.render_strips()
                for seg in strip
                if seg.style is not None and (seg.style.color is not None or seg.style.bgcolor is not None)
            ]

        for key in ("1", "2", "6", "tab", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert not coloured(), (key, coloured()[:5])
        await pilot.press("escape", "slash")
        await pilot.pause()
        assert not coloured()
        runs = app.query_one("RunList")
        strip = runs.render_line(runs.cursor - int(runs.scroll_y))
        # The cursor still shows, by an attribute.
        assert any(seg.style and (seg.style.reverse or seg.style.underline) for seg in strip)


async def test_no_color_the_focused_pane_has_a_heavy_border(monkeypatch, logdir, tb) -> None:
    """Without colour a focused pane's border looked like every other: it is heavy there, round elsewhere."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="the logdir loaded")
        seen = set()
        for _ in range(3):  # the runs pane, the tags list, the chart
            focused = app.focused
            assert focused is not None and focused.styles.border.top[0] == "heavy", focused
            seen.add(focused.id)
            others = [w for w in app.query("#runs, #tags, #chart") if w is not focused]
            assert all(w.styles.border.top[0] == "round" for w in others), others
            await pilot.press("tab")
            await pilot.pause()
        assert seen == {"runs", "tags", "chart"}


async def test_no_color_the_table_and_tree_cursors_are_reversed(monkeypatch, tb) -> None:
    """The HParams table's cursor cell and the graph tree's cursor row were bold only under NO_COLOR."""
    from textual.widgets import DataTable, Tree

    monkeypatch.setenv("NO_COLOR", "1")
    app = TbtuiApp(TBX)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="the logdir loaded")
        for key, kind, component in (("6", DataTable, "datatable--cursor"), ("4", Tree, "tree--cursor")):
            await pilot.press(key)
            await pilot.pause()
            widget = app.query_one(kind)
            assert widget.get_component_rich_style(component).reverse, kind
