"""Issue 12 #9: from inside the app, `P` (and the palette's Screenshot) saves an SVG and `e` on a chart
writes its runs' points as CSV, both in the current directory (never ~/Downloads, never the logdir),
with the path in the status bar."""

from __future__ import annotations

import os

from tui.app import TbtuiApp
from tui.cli import main
from tui.widgets.scalar_chart import ScalarChart
from tui.widgets.status_bar import StatusBar


async def test_e_writes_the_charts_points_as_the_export_command_does(
    logdir, tb, tmp_path, monkeypatch, capsys
):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    app = TbtuiApp(logdir, open_tag="train/acc")
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        chart = app.query_one(ScalarChart)
        chart.focus()
        await pilot.press("e")
        # The file is written in a worker: its notice in the status bar says it is done.
        await tb.wait_for(pilot, lambda: "wrote" in app.query_one(StatusBar).info.notice, what="the CSV")
        (csv,) = here.iterdir()
        assert csv.name.startswith("tbtui-train_acc-") and csv.suffix == ".csv"
        notice = app.query_one(StatusBar).info.notice
        assert str(csv) in notice and f"{3 * tb.STEPS:,} points of 3 run(s)" in notice
    assert main(["export", logdir, "--tag", "^train/acc$"]) == 0
    assert csv.read_text() == capsys.readouterr().out


async def test_screenshots_go_to_the_current_directory_without_downloads(logdir, tb, tmp_path, monkeypatch):
    home = tmp_path / "home"  # a training box's home: no ~/Downloads
    home.mkdir()
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(home / "Downloads"))
    monkeypatch.chdir(here)
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("P")
        await tb.wait_for(
            pilot, lambda: "saved" in app.query_one(StatusBar).info.notice, what="the screenshot"
        )
        (svg,) = here.iterdir()
        assert svg.suffix == ".svg" and svg.read_text().startswith("<svg")
        assert str(svg) in app.query_one(StatusBar).info.notice
        # The command palette's Screenshot takes the same way.
        (command,) = [c for c in app.get_system_commands(app.screen) if c.title == "Screenshot"]
        svg.unlink()
        command.callback()
        await tb.wait_for(
            pilot,
            lambda: [p.read_text().rstrip()[-6:] for p in here.iterdir()] == ["</svg>"],
            what="the palette's screenshot",
        )
        assert not (home / "Downloads").exists()
        # Started inside the logdir: files go home instead (nothing is written into a logdir).
        monkeypatch.chdir(logdir)
        before = sorted(os.listdir(logdir))
        await pilot.press("P")
        await tb.wait_for(pilot, lambda: str(home) in app.query_one(StatusBar).info.notice, what="home")
        assert sorted(os.listdir(logdir)) == before


async def test_the_palette_offers_one_help_and_one_zoom(logdir, tb) -> None:
    """Textual's Keys panel and Maximize sat next to tbtui's "Help: keys" and ``z``, each behaving
    differently; Quit said "as soon as possible" and not its key."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        app.query_one("#runs").focus()
        await pilot.pause()
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert "Keys" not in commands and "Maximize" not in commands
        assert "Help: keys" in commands and "Screenshot" in commands
        assert commands["Quit"] == "Leave tbtui (q)"
