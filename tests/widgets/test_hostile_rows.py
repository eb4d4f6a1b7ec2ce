"""The runs and tags lists' rows are drawn totally (issue 11): a row whose drawing raises is one line
naming the row and the error, and a notice in the status bar; the other rows, the tabs and the app stay.

Until now only the panes and the line widgets were guarded; an exception in a list's row (a run or
tag name no row renderer foresaw) reached Textual's rendering and ended the app. The tests make the
row renderers raise outright on a hostile name, as ``test_hostile_payloads.py`` does for the charts.
"""

from __future__ import annotations

from textual.widgets import TabbedContent

from tui.app import TbtuiApp
from tui.widgets import run_list, series_list, tag_list
from tui.widgets.run_list import RunList
from tui.widgets.status_bar import StatusBar
from tui.widgets.tag_list import TagList

HOSTILE_RUN = "evil\x1b]0;pwned\x07run"


def screen(app: TbtuiApp) -> str:
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def status(app: TbtuiApp) -> str:
    return app.query_one(StatusBar).render().plain


def raising_on(name_part: str, real):
    """``real`` (a row renderer taking the name, or a row with a ``name``, first), raising when the name
    holds ``name_part``."""

    def row(first, *args, **kwargs):
        if name_part in getattr(first, "name", first):
            raise RuntimeError("bad \x1b[2J row")
        return real(first, *args, **kwargs)

    return row


async def test_a_run_row_that_raises_is_named_and_the_rest_stays(logdir, tb, monkeypatch):
    tb.write_run(logdir, HOSTILE_RUN)
    monkeypatch.setattr(run_list, "run_row", raising_on("pwned", run_list.run_row))
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app) and len(app.logdir.runs) == 4, what="load")
        said = "cannot show run evil\\x1b]0;pwned\\x07run: RuntimeError: bad \\x1b[2J row"
        await tb.wait_for(pilot, lambda: said in status(app), what=f"the notice in {status(app)!r}")
        text = screen(app)
        assert said[:20] in text  # the row itself says it (cut to the pane's width)
        for run in ("alpha", "beta", "nested/gamma"):
            assert run in text
        assert "\x1b" not in text
        # The list still works: the cursor walks over the broken row, and the tabs switch.
        runs = app.query_one(RunList)
        runs.focus()
        await pilot.press("end", "up", "home")
        await pilot.press("2")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "histograms"
        assert app.crash is None and app.is_running


async def test_a_tag_row_that_raises_is_named_and_the_rest_stays(logdir, tb, monkeypatch):
    monkeypatch.setattr(tag_list, "tag_row", raising_on("acc", tag_list.tag_row))
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        said = "cannot show tag train/acc: RuntimeError: bad \\x1b[2J row"
        await tb.wait_for(pilot, lambda: said in status(app), what=f"the notice in {status(app)!r}")
        tags = app.query_one("#tags", TagList)
        assert {"train/loss", "val/loss", "lr"} <= set(tags.tags)
        text = screen(app)
        assert "▾ val (1)" in text and "lr " in text and "\x1b" not in text
        assert "cannot show tag train/acc: Runtime" in text  # the row itself, cut to the list's width
        tags.focus()
        await pilot.press("down", "down", "down")
        await pilot.pause()
        assert app.crash is None and app.is_running


async def test_a_series_row_that_raises_is_named(tmp_path, tb, monkeypatch):
    """The stepped tabs' lists (Text, Images, ...) are RowLists too: the same guard holds there."""
    from tui.tfevents.writer import EventFileWriter

    root = tmp_path / "logs"
    with EventFileWriter(str(root / "notes")) as w:
        w.add_text("notes/evil", "hello", 0)
    monkeypatch.setattr(series_list, "ellipsize_middle", raising_on("evil", series_list.ellipsize_middle))
    app = TbtuiApp(str(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("5")
        await tb.wait_for(pilot, lambda: "cannot show" in status(app), what=f"a notice in {status(app)!r}")
        assert "RuntimeError: bad \\x1b[2J row" in status(app)
        assert app.crash is None and app.is_running
