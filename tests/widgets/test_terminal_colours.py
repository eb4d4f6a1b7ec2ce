"""What a 16-colour terminal and NO_COLOR show of the app's own colours (run colours: test_tell_runs_apart).

On 16 colours Textual's orange accent became bright red: a focused pane's border and every key in
the key bar looked like errors, and the focused cursor row had the same grey as an unfocused one.
"""

from __future__ import annotations

import pytest
import textual.constants
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.style import Style

from tui.app import TbtuiApp
from tui.widgets.run_list import RunList

RED = {1, 9}


@pytest.fixture
def logs(tmp_path, tb) -> str:
    root = str(tmp_path / "logs")
    for run in ("a", "b"):
        tb.write_run(root, run, steps=5)
    return root


def _standard(color) -> int:
    """The standard colour number a Textual colour becomes on a 16-colour terminal."""
    return RichColor.from_rgb(color.r, color.g, color.b).downgrade(ColorSystem.STANDARD).number


def _cursor_row_style(runs: RunList):
    """The style of the first cell of the cursor's row, as drawn on screen."""
    strip = runs.render_line(runs.cursor - int(runs.scroll_y))
    return next(iter(strip)).style


async def test_sixteen_colours_have_a_calm_accent_and_a_reversed_cursor(logs, tb, monkeypatch):
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")
    app = TbtuiApp(logs)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        runs = app.query_one(RunList)
        assert runs.has_focus
        border = runs.styles.border.top[1]
        assert _standard(border) not in RED, border
        key_colour = app.query_one("KeyBar").get_component_rich_style("key-bar--key").color
        assert key_colour.downgrade(ColorSystem.STANDARD).number not in RED, key_colour
        warning, error = app.current_theme.warning, app.current_theme.error
        assert warning != error  # a warning is not an error's red
        assert _cursor_row_style(runs).reverse


async def test_no_color_cursor_row_is_reversed_and_an_unfocused_one_underlined(logs, tb, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = TbtuiApp(logs)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        runs = app.query_one(RunList)
        assert _cursor_row_style(runs).reverse
        await pilot.press("tab")
        await pilot.pause()
        assert not runs.has_focus
        style = _cursor_row_style(runs)
        assert style.underline and not style.reverse


async def test_truecolor_keeps_the_cursor_row_shaded(logs, tb, monkeypatch):
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")
    app = TbtuiApp(logs)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        assert not _cursor_row_style(app.query_one(RunList)).reverse


@pytest.mark.parametrize("system", ["truecolor", "256", "standard"])
async def test_the_accent_is_no_runs_colour(logs, tb, monkeypatch, system):
    """Textual's orange accent was run A's colour (xterm 214) on 256 colours and truecolor, and the
    16-colour theme's bright cyan was run B's: the focused pane's border and the keys looked like a run.
    The focus border, the key bar's keys and the runs' colours, as the terminal shows them."""
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
    app = TbtuiApp(logs)
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        runs = app.query_one(RunList)
        assert runs.has_focus
        target = ColorSystem.STANDARD if system == "standard" else ColorSystem.EIGHT_BIT

        def shown(color) -> int:
            rich = color if isinstance(color, RichColor) else RichColor.from_rgb(color.r, color.g, color.b)
            return rich.downgrade(target).number

        run_colours = {shown(RichColor.parse(app.view.palette(i))) for i in range(48)}
        border = runs.styles.border.top[1]
        key = app.query_one("KeyBar").get_component_rich_style("key-bar--key").color
        assert shown(border) not in run_colours, (border, run_colours)
        assert shown(key) not in run_colours, (key, run_colours)
        assert shown(RichColor.parse(app.current_theme.accent)) not in run_colours


async def test_the_step_slider_knob_is_in_the_accent_not_a_runs_colour(tb, monkeypatch):
    """The step slider's knob was bright cyan: run B's colour on 16 colours."""
    from pathlib import Path

    from tui.widgets.step_slider import StepSlider

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")
    corpus = Path(__file__).parent.parent / "data" / "corpus" / "tbx"
    app = TbtuiApp(str(corpus))
    async with app.run_test(size=(120, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("5")
        slider = app.query_one("#pane-text").query_one(StepSlider)
        await tb.wait_for(pilot, lambda: slider.display and bool(slider.steps), what="the text slider")
        slider.focus()
        await pilot.pause()
        knob = next(s.style for s in slider.render().spans if "●" in slider.render().plain[s.start : s.end])
        run_colours = {
            RichColor.parse(app.view.palette(i)).downgrade(ColorSystem.STANDARD).number for i in range(11)
        }
        assert Style.parse(str(knob)).color.downgrade(ColorSystem.STANDARD).number not in run_colours, knob
