"""A tab key shows the whole new tab in the first screen update after it, and switching back shows the
screen exactly as it was (issue 13: keys under 100 ms with 2,000 runs).

Textual hears of a widget's change from a message the widget posts when idle, and updated the screen
as soon as the first ones came: the focus and the key bar, then the new pane one update later, then
its title in the tab bar: three renders of the screen (~50 ms each with 2,000 runs' colours) before
the tab showed. The updates are captured as Textual hands them to the terminal (``App._display``
under Pilot), and each is compared cell by cell (character and style) with the screen once settled.
"""

from __future__ import annotations

from rich.style import Style
from textual._compositor import CompositorUpdate, LayoutUpdate
from textual.strip import Strip
from textual.widgets import TabbedContent

from tui.app import TbtuiApp

Cells = list[list[tuple[str, Style | None]]]


def _cells(strips: list[Strip]) -> Cells:
    return [[(ch, seg.style) for seg in strip for ch in seg.text] for strip in strips]


def screen_cells(app: TbtuiApp) -> Cells:
    """Every cell of the screen as rendered now."""
    return _cells(app.screen._compositor.render_strips())


class Updates:
    """The screen updates the app renders, as Textual hands them to its driver."""

    def __init__(self, app: TbtuiApp) -> None:
        self.seen: list[CompositorUpdate] = []
        display = app._display

        def keep(screen, renderable) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.seen.append(renderable)
            display(screen, renderable)

        app._display = keep  # type: ignore[method-assign]

    def take(self) -> list[CompositorUpdate]:
        seen, self.seen = self.seen, []
        return seen


async def settled(pilot, tb, app: TbtuiApp, tab: str) -> None:
    await tb.wait_for(pilot, lambda: app.query_one(TabbedContent).active == tab, what=f"tab {tab}")
    for _ in range(5):  # the update the key asked for, and anything the widgets' messages set off
        await pilot.pause()


async def test_a_tab_shows_whole_in_its_first_update_and_back_shows_the_same_screen(logdir, tb) -> None:
    app = TbtuiApp(logdir)
    updates = Updates(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await settled(pilot, tb, app, "scalars")
        shown: dict[str, Cells] = {}
        for key, tab in (("2", "histograms"), ("1", "scalars"), ("2", "histograms"), ("1", "scalars")):
            updates.take()
            await pilot.press(key)
            await settled(pilot, tb, app, tab)
            now = screen_cells(app)
            first = updates.take()[0]
            # The first update is the whole screen, as it settles: no frame of the old tab with the
            # new focus, nor the new tab under the old title.
            assert isinstance(first, LayoutUpdate)
            assert first.region == app.screen.region
            assert _cells([Strip.join(line) for line in first.strips]) == now
            # Back on a tab (the keyboard in it, as the number key puts it there), it shows what it
            # showed: the same cells, characters and styles.
            assert shown.setdefault(tab, now) == now
        assert len(shown) == 2
