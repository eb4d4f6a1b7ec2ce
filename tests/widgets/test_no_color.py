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
