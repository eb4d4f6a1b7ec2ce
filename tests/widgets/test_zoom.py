"""Issue 12 #10: ``z`` zooms the focused pane and back; narrow screens collapse the side panes; the
HParams run column stays put while the table scrolls sideways."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Tabs

from tui.app import TbtuiApp
from tui.widgets.hparams_pane import HParamsPane
from tui.widgets.hparams_table import SessionTable
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import ScalarChart
from tui.widgets.status_bar import StatusBar
from tui.widgets.tag_list import TagList

CORPUS = Path(__file__).parent.parent / "data" / "corpus"


def shown(widget) -> bool:
    """On screen: displayed with every container, and given room by the layout."""
    chain = [a for a in widget.ancestors_with_self if hasattr(a, "display")]
    return all(a.display for a in chain) and widget.region.width > 0


async def started(app, pilot, tb) -> None:
    await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
    await pilot.pause()


async def test_z_zooms_the_focused_chart_to_the_full_width_and_back(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot, tb)
        chart, runs, tags = app.query_one(ScalarChart), app.query_one(RunList), app.query_one(TagList)
        assert shown(runs) and shown(tags)
        narrow_width = chart.region.width
        chart.focus()
        await pilot.press("z")
        await pilot.pause()
        assert not shown(runs) and not shown(tags) and not shown(app.query_one(Tabs))
        assert chart.region.width == 120 and chart.has_focus  # the whole width, borders included
        assert shown(app.query_one(StatusBar))  # the status line stays, as tmux's
        await pilot.press("z")
        await pilot.pause()
        assert shown(runs) and shown(tags) and shown(app.query_one(Tabs))
        assert chart.region.width == narrow_width


async def test_z_zooms_the_runs_pane_and_a_tab_key_leaves_the_zoom(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot, tb)
        runs = app.query_one(RunList)
        runs.focus()
        await pilot.press("z")
        await pilot.pause()
        assert runs.region.width == 120 and not shown(app.query_one(ScalarChart))
        await pilot.press("2")  # another tab: the zoom hid it, so the zoom ends
        await pilot.pause()
        assert not app.zoom.hidden and shown(runs)
        assert app.query_one("#tabs").active == "histograms"


async def test_at_80_columns_the_side_panes_collapse_and_z_shows_them(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot, tb)
        chart, runs, tags = app.query_one(ScalarChart), app.query_one(RunList), app.query_one(TagList)
        assert not shown(runs) and not shown(tags)
        assert chart.region.width == 80 and chart.has_focus  # the keyboard is not in a hidden pane
        await pilot.press("z")
        await pilot.pause()
        assert shown(runs) and shown(tags) and chart.region.width < 80
        await pilot.press("z")
        await pilot.pause()
        assert not shown(runs) and not shown(tags) and chart.region.width == 80
        # The chart keeps its keys while collapsed: j moves to the next tag.
        before = chart.tag
        await pilot.press("j")
        await pilot.pause()
        assert chart.tag != before


async def test_narrowing_the_terminal_to_80_columns_collapses_the_side_panes(logdir, tb):
    """The collapse read the app's size while handling the Resize, which still held the old width:
    from 120 to 80 columns the runs pane stayed and the chart kept 40 columns; back at 120 they show."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot, tb)
        runs = app.query_one(RunList)
        assert shown(runs)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen.has_class("-collapsed") and not shown(runs)
        assert app.query_one(ScalarChart).region.width >= 76
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not app.screen.has_class("-collapsed") and shown(runs)


async def test_at_120_columns_nothing_collapses(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot, tb)
        assert not app.screen.has_class("-collapsed")
        assert app.query_one(RunList).has_focus  # the runs pane takes the keys first, as before


async def test_hparams_run_column_stays_fixed_when_scrolling_sideways():
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.is_settled:
            await pilot.pause(0.05)
        await pilot.press("6")
        await pilot.pause()
        pane = app.query_one(HParamsPane)
        table = pane.query_one(SessionTable)
        while not table.columns:
            await pilot.pause(0.05)
        assert table.fixed_columns == 1
        table.focus()
        for _ in range(len(table.columns)):
            await pilot.press("l")
        await pilot.pause()
        assert table.scroll_x > 0  # the table did scroll sideways
        row = table.render_line(2).text  # the first data row (header, then rows)
        assert "runs/" in row or "lr_" in row  # its run name is still on screen


async def test_at_200_columns_the_runs_pane_shows_a_sweeps_run_names_whole(tmp_path, tb):
    """`sweep/run_00/1796048658.0619547` (tensorboardX's add_hparams run) was cut to
    `sweep/ru…0619547` in a 32-cell runs pane with 130 columns to spare."""
    root = str(tmp_path / "logs")
    names = ("live/torch", "sweep/run_00/1796048658.0619547", "sweep/run_01/1796048658.0993670")
    for name in names:
        tb.write_run(root, name, 3)
    for size, whole in (((200, 60), True), ((120, 40), False)):
        app = TbtuiApp(root)
        async with app.run_test(size=size) as pilot:
            await started(app, pilot, tb)
            runs = app.query_one(RunList)
            rows = [runs.render_line(y).text for y in range(len(names))]
            assert all((name in row) == whole for name, row in zip(names[1:], rows[1:], strict=True)), rows


async def test_widening_the_terminal_gives_the_tabs_their_titles_back(logdir, tb):
    """From 80 columns back to 120 the tab bar kept the bare numbers ("1 Scalars 2 3 4 5 6 7") until
    a tab was switched: the labels were fitted to the bar's width before the runs pane came back."""
    from textual.widgets import Tabs

    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot, tb)

        def labels() -> str:
            return " ".join(tab.label.plain for tab in app.query_one(Tabs).query("Tab") if tab.display)

        wide = labels()
        assert "Histograms" in wide, wide
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.resize_terminal(120, 24)  # a terminal's resize may come as two (tmux's does)
        await pilot.resize_terminal(120, 40)
        await tb.wait_for(pilot, lambda: labels() == wide, what=f"the titles back, not {labels()!r}")


async def test_a_resize_while_the_help_is_open_fits_the_screen_under_it(logdir, tb):
    """The fit went to the screen on top: narrowed to 80 columns with the help open, the app came back
    from the help with the side panes beside a 40-column chart (and widened, without its runs pane)."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot, tb)
        main = app.screen
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main and main.has_class("-collapsed")
        assert not shown(app.query_one(RunList))
        await pilot.pause()
        assert app.focused is not None and shown(app.focused), app.focused  # the keys go somewhere seen
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not main.has_class("-collapsed") and shown(app.query_one(RunList))


async def test_long_sweep_names_leave_the_runs_pane_its_share(tmp_path, tb):
    """Run names that differ in every part (model, optimizer, seed, timestamp) are shortened in the
    runs pane as the legend shortens them; the pane keeps its width (26, 32 or 48 cells by the screen's
    width) and the chart the rest, at every width."""
    root = str(tmp_path / "logs")
    names = [
        f"{m}_imagenet_{o}/lr{lr}_bs{bs}/seed{s}_{t}"
        for m, o, lr, bs, s, t in [
            ("resnet50", "adamw", "3e-4", 128, 0, "1796048058.0619540"),
            ("vit_base_patch16", "sgd_momentum", "1e-2", 256, 1, "1796048158.0619541"),
        ]
    ]
    for name in names:
        tb.write_run(root, name, steps=5)
    for width, pane in ((105, 26), (130, 32), (320, 48)):
        app = TbtuiApp(root)
        async with app.run_test(size=(width, 30)) as pilot:
            await started(app, pilot, tb)
            runs, chart = app.query_one(RunList), app.query_one(ScalarChart)
            assert runs.outer_size.width == pane, (width, runs.outer_size)
            assert chart.region.width >= width - pane - 40, (width, chart.region)
            rows = [runs.render_row(i, runs.size.width, runs.rich_style).plain for i in range(2)]
            assert all("…" in r and len(r) <= runs.size.width for r in rows), rows
