"""The base of the tabs that show one step at a time: a list on the left, a step slider over the body.

The Text, Images, PR Curves and Audio · Mesh · Projector tabs all pick a series (or tag) in a list on
the left and show one of its steps, chosen with a :class:`~tui.widgets.step_slider.StepSlider` that
follows the newest step until the user moves it. This class holds that rule once: the ``[``/``]``
and ``{``/``}`` keys, the step kept across redraws, the slider's placement and the shared frame styles
(the list ``stepped-list``, the column right of it ``stepped-main``, both inside ``stepped-body``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType

from tui.views.safe import inert
from tui.widgets.pane import Pane
from tui.widgets.step_slider import StepSlider

__all__ = ["SteppedPane"]


class SteppedPane(Pane):
    """A pane with one :class:`StepSlider`; subclasses redraw in :meth:`step_changed`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "step(-1)", "Earlier step"),
        Binding("right_square_bracket", "step(1)", "Later step"),
        Binding("left_curly_bracket", "step_end(0)", "First step", show=False),
        Binding("right_curly_bracket", "step_end(1)", "Last step", show=False),
    ]

    DEFAULT_CSS = """
    SteppedPane { height: 1fr; }
    SteppedPane .stepped-body { height: 1fr; }
    SteppedPane .stepped-list { width: 32; height: 1fr; border: round $panel; scrollbar-size-vertical: 1; }
    SteppedPane .stepped-list:focus { border: round $accent; }
    SteppedPane .stepped-main { width: 1fr; height: 1fr; border: round $panel; padding: 0 1; }
    SteppedPane .stepped-main:focus-within { border: round $accent; }
    SteppedPane StepSlider { height: 1; }
    SteppedPane StepSlider:focus { background: $boost; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        #: The step shown; kept while the series grows unless the slider follows the newest one.
        self.step: int | None = None
        self._follow = True

    @property
    def steps(self) -> tuple[int, ...]:
        """The steps the slider offers (none while it is hidden)."""
        return self.query_one(StepSlider).steps

    def empty_message(self, noun: str, hint: str = "") -> Text:
        """What the body says when there is nothing to show: no ``noun`` in the visible runs (under
        the tag filter, named when set), then ``hint`` on where such data comes from."""
        t = Text()
        ctx = self.context
        if ctx is None:
            return t
        if not ctx.runs and ctx.logdir.runs:  # every run hidden: "in the 0 visible runs" hid why
            t.append(ctx.why_empty(noun), style=Style(bold=True))
            return t
        t.append(f"No {noun} in the {len(ctx.runs)} visible runs", style=Style(bold=True))
        if ctx.tag_regex:
            t.append(" matching the tag filter ")
            t.append(inert(ctx.tag_regex), style=Style(italic=True))
        t.append(f".\n\n{hint}" if hint else ".")
        return t

    def step_changed(self) -> None:
        """The user moved the slider to :attr:`step`: redraw."""

    def follow_steps(self, steps: Sequence[int], *, new_series: bool = False) -> int | None:
        """Put the slider on ``steps`` (ascending) and return the step to show.

        The newest step while the slider follows (always for a ``new_series``); else the chosen step,
        or the latest before it when it is gone (a purge), as TensorBoard's card sliders keep their
        place. With no steps the slider hides and the chosen step is kept for when steps come back.
        """
        if new_series:
            self._follow = True
        slider = self.query_one(StepSlider)
        slider.display = bool(steps)
        if (len(steps) > 1) != (len(slider.steps) > 1):
            self.refresh_bindings()  # [ ] { } are in the key bar from the second step on
        if not steps:
            slider.set_steps((), 0)
            return None
        if self._follow or self.step is None:
            self.step = steps[-1]
        elif self.step not in steps:
            before = [s for s in steps if s <= self.step]
            self.step = before[-1] if before else steps[0]
        slider.set_steps(tuple(steps), list(steps).index(self.step))
        return self.step

    def on_step_slider_changed(self, event: StepSlider.Changed) -> None:
        event.stop()
        if event.step == self.step:
            return
        self.step = event.step
        self._follow = event.index == len(event.slider.steps) - 1
        self.step_changed()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``[`` ``]`` ``{`` ``}`` only where there is another step to go to (the key bar listed them
        for a tag logged once, where they did nothing)."""
        if action in ("step", "step_end"):
            return len(self.steps) > 1
        return True

    def action_step(self, delta: int) -> None:
        slider = self.query_one(StepSlider)
        if slider.display:
            slider.action_move(delta)

    def action_step_end(self, last: int) -> None:
        slider = self.query_one(StepSlider)
        if slider.display:
            slider.action_last() if last else slider.action_first()
