"""Pilot tests of the whole app: keys in, what the screen shows out."""

from __future__ import annotations

import numpy as np
from textual.widgets import Input, TabbedContent

from tui.app import TbtuiApp
from tui.views.smoothing import smooth
from tui.widgets.chart_grid import ChartGrid
from tui.widgets.filter_input import FilterBar
from tui.widgets.help_screen import HelpScreen
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import ScalarChart
from tui.widgets.status_bar import StatusBar
from tui.widgets.tag_list import TagList


async def started(pilot, tb) -> TbtuiApp:
    app = pilot.app
    await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
    await pilot.pause()
    return app


def chart_names(app: TbtuiApp) -> list[str]:
    return [s.name for s in app.query_one(ScalarChart).last_series]


async def test_runs_and_grouped_tags_are_listed(logdir, tb):
    app = TbtuiApp(logdir, open_tag="lr")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        runs = app.query_one(RunList)
        assert [r.name for r in runs.rows] == ["alpha", "beta", "nested/gamma"]
        assert all(r.shown and r.last_step == tb.STEPS - 1 and not r.damaged for r in runs.rows), runs.rows
        tags = app.query_one(TagList)
        # TensorBoard's order: "lr" (own group), then train/*, then val/*.
        assert tags.groups == [("lr", ["lr"]), ("train", ["train/acc", "train/loss"]), ("val", ["val/loss"])]
        assert tags.selected_tag == "lr"
        assert chart_names(app) == ["alpha", "beta", "nested/gamma"]


async def test_space_toggles_a_run_out_of_the_chart_and_back(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        assert app.focused is app.query_one(RunList)
        await pilot.press("j", "space")  # cursor to beta, hide it
        await pilot.pause()
        assert chart_names(app) == ["alpha", "nested/gamma"]
        assert [r.shown for r in app.query_one(RunList).rows] == [True, False, True]
        await pilot.press("space")
        await pilot.pause()
        assert chart_names(app) == ["alpha", "beta", "nested/gamma"]


async def test_moving_in_the_runs_list_follows_the_focused_run_and_leaves_the_data_as_pushed(logdir, tb):
    """j/k in the runs list: the tag list's sparklines and the pane follow the focused run, and no row
    or chart is made again (new data comes with the next push, not on a key's time)."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        pushed = app.query_one(ScalarChart).last
        made = []
        real = app.show_runs
        app.show_runs = lambda: made.append(1) or real()  # type: ignore[method-assign]
        tags = app.query_one(TagList)

        def tag_row() -> str:
            return tags.render_row(0, 34, tags.rich_style).plain

        first = tag_row()
        await pilot.press("j", "j")
        await tb.wait_for(pilot, lambda: app.view.focused_run == "nested/gamma", what="focus follows")
        ctx = app.active_pane.context
        assert ctx.focused_run == "nested/gamma" and ctx.generation == app.logdir.generation
        assert tag_row() != first  # the tag's sparkline and value are nested/gamma's
        await pilot.press("k")
        await tb.wait_for(pilot, lambda: app.active_pane.context.focused_run == "beta", what="focus follows")
        assert not made and app.query_one(ScalarChart).last is pushed


async def test_only_focused_run_then_all_runs(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        await pilot.press("G", "o")
        await pilot.pause()
        assert chart_names(app) == ["nested/gamma"]
        await pilot.press("a")
        await pilot.pause()
        assert chart_names(app) == ["alpha", "beta", "nested/gamma"]


async def test_clicking_a_runs_mark_toggles_it(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        runs = app.query_one(RunList)
        # Row 0 of the content is one cell below the border; the mark is the first content column.
        await pilot.click(RunList, offset=(1, 1))
        await pilot.pause()
        assert [r.shown for r in runs.rows] == [False, True, True]
        await pilot.click(RunList, offset=(10, 2))  # elsewhere on a row: focus only
        await pilot.pause()
        assert runs.current_run == "beta"
        assert [r.shown for r in runs.rows] == [False, True, True]


async def test_run_filter_hides_runs(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        await pilot.press("slash")  # from the runs pane: the runs input
        assert app.focused is app.query_one("#run-filter", Input)
        await pilot.press(*"^(alpha|nested)", "enter")
        await pilot.pause()
        assert [r.name for r in app.query_one(RunList).rows] == ["alpha", "nested/gamma"]
        assert chart_names(app) == ["alpha", "nested/gamma"]
        assert app.focused is app.query_one(RunList)
        assert app.query_one(FilterBar).display  # stays visible while a filter is set


async def test_tag_filter_is_case_insensitive_and_bad_regex_is_not_applied(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        app.query_one(ScalarChart).focus()
        await pilot.press("slash")
        assert app.focused is app.query_one("#tag-filter", Input)
        await pilot.press(*"LOSS")
        await pilot.pause()
        assert app.query_one(TagList).tags == ["train/loss", "val/loss"]
        await pilot.press("(")  # "LOSS(" does not compile: keep the last good filter
        await pilot.pause()
        assert app.query_one("#tag-filter", Input).has_class("-invalid")
        assert app.query_one(TagList).tags == ["train/loss", "val/loss"]
        await pilot.press("escape")  # restores the filter from before the bar opened
        await pilot.pause()
        assert len(app.query_one(TagList).tags) == 4


async def test_smoothing_keys_change_the_drawn_values(logdir, tb):
    app = TbtuiApp(logdir, open_tag="lr")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        raw = tb.values_for("alpha", "lr")
        series = app.query_one(ScalarChart).last_series[0]
        np.testing.assert_allclose(series.y, smooth(raw, 0.6))
        np.testing.assert_array_equal(series.raw_y, raw)
        await pilot.press("s")
        await pilot.pause()
        assert app.view.options.smoothing == 0.8
        np.testing.assert_allclose(app.query_one(ScalarChart).last_series[0].y, smooth(raw, 0.8))
        await pilot.press("S", "S", "S")
        await pilot.pause()
        assert app.view.options.smoothing == 0.0
        s0 = app.query_one(ScalarChart).last_series[0]
        np.testing.assert_array_equal(s0.y, raw)
        assert s0.raw_y is None  # no faint underlay when not smoothing


async def test_x_axis_key_cycles_step_relative_wall(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        steps = np.arange(tb.STEPS, dtype=np.float64)
        np.testing.assert_array_equal(app.query_one(ScalarChart).last_series[0].x, steps)
        await pilot.press("x")
        await pilot.pause()
        np.testing.assert_allclose(app.query_one(ScalarChart).last_series[0].x, 10.0 * steps)
        await pilot.press("x")
        await pilot.pause()
        np.testing.assert_allclose(app.query_one(ScalarChart).last_series[0].x, tb.WALL0 + 10.0 * steps)
        assert "x wall" in app.query_one(StatusBar).render().plain
        await pilot.press("x")
        await pilot.pause()
        assert app.view.options.x_mode == "step"


async def test_log_y_and_outlier_keys_change_the_y_axis(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        chart = app.query_one(ScalarChart)
        before = chart.last.y_range
        await pilot.press("y")
        await pilot.pause()
        assert chart.last.log_y
        await pilot.press("y", "i")
        await pilot.pause()
        assert not chart.last.log_y
        lo, hi = chart.last.y_range
        assert before[0] < lo and hi < before[1]  # 5th-95th percentile is inside min-max


async def test_cursor_reads_each_runs_step_and_value(logdir, tb):
    app = TbtuiApp(logdir, smoothing=0.0, open_tag="lr")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        chart = app.query_one(ScalarChart)
        chart.focus()
        await pilot.press("G")  # cursor to the last step
        await pilot.pause()
        hits = chart.last.cursor
        assert [h.name for h in hits] == ["alpha", "beta", "nested/gamma"]
        for h in hits:
            assert h.x == tb.STEPS - 1
            assert h.y == tb.values_for(h.name, "lr")[-1]
        await pilot.press("h", "h")  # each press lands on the previous point
        await pilot.pause()
        for h in chart.last.cursor:
            assert h.x == tb.STEPS - 3
            assert h.y == tb.values_for(h.name, "lr")[tb.STEPS - 3]
        readout = [line.plain.split() for line in chart.last_readout]
        assert "step" in readout[0] and readout[1][:3] == ["●A", "alpha", "37"]
        await pilot.press("escape")
        await pilot.pause()
        assert chart.cursor_x is None and chart.last.cursor == []


async def test_zoom_pan_and_reset(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        chart = app.query_one(ScalarChart)
        chart.focus()
        full = chart.last.x_range
        await pilot.press("+")
        await pilot.pause()
        lo, hi = chart.last.x_range
        assert hi - lo == (full[1] - full[0]) / 2
        await pilot.press("]")
        await pilot.pause()
        assert chart.last.x_range[0] > lo
        await pilot.press("r")
        await pilot.pause()
        assert chart.last.x_range == full


async def test_chart_j_k_walk_the_tags(logdir, tb):
    app = TbtuiApp(logdir, open_tag="lr")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        app.query_one(ScalarChart).focus()
        await pilot.press("j")
        await pilot.pause()
        assert app.query_one(ScalarChart).tag == "train/acc"
        await pilot.press("j", "k", "k")
        await pilot.pause()
        assert app.query_one(ScalarChart).tag == "lr"


async def test_help_opens_lists_keys_and_closes(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot, tb)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        titles = [title for title, _ in app.screen.sections]
        assert titles[:2] == ["Anywhere", "Runs pane"]
        assert {"Tags list", "Chart", "Scalars tab"} <= set(titles)
        descs = {desc for _, rows in app.screen.sections for _, desc in rows}
        assert "Toggle run" in descs and "Zoom in" in descs
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_help_scrolls_with_the_keys_of_every_list(logdir, tb):
    """At 80x24 the help is three screens long; j/k, space and g/G (the keys it lists) scroll it."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, tb)
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 20
        await pilot.press("j", "j", "j")
        assert body.scroll_y == 3
        await pilot.press("k")
        assert body.scroll_y == 2
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g", "space")
        assert 0 < body.scroll_y < body.max_scroll_y
        assert isinstance(app.screen, HelpScreen)  # none of them left the help or reached the app


async def test_help_scrolls_a_line_for_each_key_of_a_burst(logdir, tb):
    """Keys a terminal sends faster than the screen refreshes (j held down, ten j's pasted) moved the
    help one line in all: each scroll counted from a target the last one had not set yet."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, tb)
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        for _ in range(5):  # one burst: no refresh between them
            app.screen.action_scroll("down")
        await pilot.pause()
        assert body.scroll_y == 5
        app.screen.action_scroll("page_down")
        app.screen.action_scroll("up")
        await pilot.pause()
        assert body.scroll_y == 5 + body.scrollable_content_region.height - 1


async def test_number_keys_select_tabs_from_anywhere(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        tabs = app.query_one(TabbedContent)
        await pilot.press("2")
        assert tabs.active == "histograms"
        app.query_one(RunList).focus()
        await pilot.press("7")
        assert tabs.active == "images"
        await pilot.press("1")
        await pilot.pause()
        assert tabs.active == "scalars"
        assert chart_names(app) == ["alpha", "beta", "nested/gamma"]


async def test_a_tab_key_never_puts_the_keyboard_in_a_text_field(logdir, tb):
    """HParams with no hparams has only its filter field to focus: a number key that landed there
    typed the next number keys into the filter instead of switching tabs (found by the soak)."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        tabs = app.query_one(TabbedContent)
        for key, tab in [("6", "hparams"), ("1", "scalars"), ("6", "hparams"), ("3", "distributions")]:
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == tab
            assert not isinstance(app.focused, Input)
        await pilot.press("6", "tab")  # Tab still reaches the field
        assert isinstance(app.focused, Input)


async def test_grid_shows_every_tag_and_enter_opens_one(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        app.query_one(TagList).focus()
        await pilot.press("v")
        await pilot.pause()
        grid = app.query_one(ChartGrid)
        assert grid.display and app.focused is grid
        assert grid.tags == ["lr", "train/acc", "train/loss", "val/loss"]
        assert grid.drawn
        await pilot.press("right", "down")  # 2 columns at this width: lr -> train/acc -> val/loss
        await pilot.press("enter")
        await pilot.pause()
        assert not grid.display
        assert app.query_one(ScalarChart).tag == "val/loss"


async def test_pause_stops_updates_until_resumed(logdir, tb):
    app = TbtuiApp(logdir, poll=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        await pilot.press("p")
        assert app.view.paused and "paused" in app.query_one(StatusBar).render().plain
        tb.write_run(logdir, "delta")
        for _ in range(20):  # several poll intervals pass: nothing may be read while paused
            await pilot.pause(0.05)
        assert "delta" not in app.logdir.runs
        await pilot.press("p")
        await tb.wait_for(
            pilot, lambda: "delta" in [r.name for r in app.query_one(RunList).rows], what="delta"
        )


async def test_space_pauses_outside_the_runs_pane(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        app.query_one(ScalarChart).focus()
        await pilot.press("space")
        assert app.view.paused
        await pilot.press("space")
        assert not app.view.paused


async def test_a_new_run_written_during_the_test_appears_without_a_key(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        tb.write_run(logdir, "zeta/new")
        await tb.wait_for(
            pilot,
            lambda: "zeta/new" in chart_names(app),
            what="the new run in the chart",
        )
        assert [r.name for r in app.query_one(RunList).rows][-1] == "zeta/new"
        # Appending to an existing run moves its last step.
        tb.write_run(logdir, "alpha", 5, start=tb.STEPS)
        await tb.wait_for(
            pilot,
            lambda: app.query_one(RunList).rows[0].last_step == tb.STEPS + 4,
            what="alpha's new steps",
        )


async def test_polling_mode_also_sees_new_runs(logdir, tb):
    app = TbtuiApp(logdir, poll=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        assert app.loader.feed is not None and app.loader.feed.mode == "polling"
        tb.write_run(logdir, "polled")
        await tb.wait_for(pilot, lambda: "polled" in app.logdir.runs, what="the polled run")


async def test_damaged_file_is_a_notice_not_a_crash(logdir, tmp_path, tb):
    path = tb.write_run(logdir, "broken")
    with open(path, "r+b") as f:  # flip a byte inside the 3rd record's payload: a data CRC mismatch
        data = bytearray(f.read())
        data[200] ^= 0xFF
        f.seek(0)
        f.write(data)
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        rows = {r.name: r for r in app.query_one(RunList).rows}
        assert rows["broken"].damaged and not rows["alpha"].damaged
        app.query_one(RunList).select_run("broken")
        await pilot.pause()
        status = app.query_one(StatusBar).render().plain
        assert "! broken:" in status and "CRC" in status


async def test_missing_logdir_waits_for_it(tmp_path, tb):
    root = str(tmp_path / "later")
    app = TbtuiApp(root, poll=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        await tb.wait_for(pilot, lambda: "does not exist yet" in app.query_one(StatusBar).render().plain)
        tb.write_run(root, "first")
        await tb.wait_for(pilot, lambda: [r.name for r in app.query_one(RunList).rows] == ["first"])


async def test_a_missing_logdir_with_a_long_path_still_says_why_at_80_columns(tmp_path, tb):
    """The notice leads with the reason: a path longer than the terminal is cut, not the reason
    (the path of a pytest worker's temporary folder cut "does not exist yet" off at 100 columns)."""
    root = str(tmp_path / ("experiments_" * 8) / "later")
    app = TbtuiApp(root, poll=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await tb.wait_for(pilot, lambda: "does not exist yet" in app.query_one(StatusBar).render().plain)
        assert len(root) > 80


async def test_a_notice_posted_while_the_app_closes_is_dropped(logdir, tb):
    """A pane's notice that arrives after the status bar has gone (the app closing: seen once in the
    full suite at the end of test_missing_logdir_waits_for_it) ended the app with NoMatches."""
    from tui.widgets.pane import Pane

    app = TbtuiApp(logdir)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, tb)
        await app.query_one(StatusBar).remove()
        app.post_message(Pane.Notice("late"))
        await pilot.pause()
        assert app.view.notice == "late" and app.is_running


async def test_fits_80x24_on_the_real_corpus(tb):
    app = TbtuiApp("tests/data/corpus/torch_mnist_like")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, tb)
        assert app.screen.has_class("-narrow")
        chart = app.query_one(ScalarChart)
        assert chart.size.width >= 40 and chart.size.height >= 8
        assert chart.last is not None and chart.last.plot_width > 20
        assert len(app.query_one(RunList).rows) == 12
        assert app.query_one(StatusBar).render().plain.startswith("torch_mnist_like")


async def test_command_line_filters_and_settings_apply_at_start(logdir, tb):
    app = TbtuiApp(logdir, runs="^(beta)$", tags="TRAIN", smoothing=0.0, x_mode="relative")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, tb)
        assert [r.name for r in app.query_one(RunList).rows] == ["beta"]
        assert app.query_one(TagList).tags == ["train/acc", "train/loss"]
        assert app.query_one(FilterBar).display
        s = app.query_one(ScalarChart).last_series[0]
        assert s.raw_y is None and s.x[1] == 10.0
