"""A one-line step slider: which of a series' steps is shown, as TensorBoard's card sliders do.

``step 150  ━━━━━━━━●──────  4/7`` — the knob sits at the position of the step's *index* (steps
are often uneven; each one gets an equal share of the track so every step can be reached).
Left/right (or h/l) move one step, home/end jump to the ends, a click puts the knob there.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

__all__ = ["StepSlider"]


class StepSlider(Widget, can_focus=True):
    """Picks an index into ``steps`` (the series' steps in the order the slider shows them)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move(-1)", "Earlier step", show=False),
        Binding("right,l", "move(1)", "Later step", show=False),
        Binding("home", "first", "First step", show=False),
        Binding("end", "last", "Last step", show=False),
    ]

    index: reactive[int] = reactive(0, init=False)

    class Changed(Message):
        """The knob moved to ``index`` (step ``step``)."""

        def __init__(self, slider: StepSlider, index: int, step: int) -> None:
            super().__init__()
            self.slider = slider
            self.index = index
            self.step = step

        @property
        def control(self) -> StepSlider:
            return self.slider

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.steps: tuple[int, ...] = ()

    def set_steps(self, steps: tuple[int, ...], index: int) -> None:
        """New steps and knob position, without a Changed message (the owner already knows)."""
        self.steps = steps
        self.set_reactive(StepSlider.index, self._clamp(index))
        self.refresh()

    @property
    def step(self) -> int | None:
        return self.steps[self.index] if self.steps else None

    def _clamp(self, i: int) -> int:
        return min(max(i, 0), max(len(self.steps) - 1, 0))

    def validate_index(self, i: int) -> int:
        return self._clamp(i)

    def watch_index(self, old: int, new: int) -> None:
        if self.steps:
            self.post_message(self.Changed(self, new, self.steps[new]))

    # -- drawing --------------------------------------------------------------------------------

    def _layout(self, width: int) -> tuple[str, str, int]:
        """(label, counter, track width) for a row ``width`` cells wide."""
        n = len(self.steps)
        label = f"step {self.steps[self.index]} " if n else "no steps "
        counter = f" {self.index + 1}/{n}" if n else ""
        return label, counter, max(width - len(label) - len(counter), 0)

    def render(self) -> Text:
        width = self.content_size.width
        label, counter, track = self._layout(width)
        n = len(self.steps)
        t = Text(no_wrap=True, end="")
        t.append(label, style=Style(bold=True))
        if track >= 3 and n:
            knob = round(self.index * (track - 1) / (n - 1)) if n > 1 else track - 1
            # The theme's accent while focused (no run's colour; bright cyan was run B's on 16 colours).
            accent = Style(color=self.app.theme_variables["accent"]) if self.has_focus else Style(dim=True)
            t.append("━" * knob, style=accent)
            t.append("●", style=accent + Style(bold=True))
            t.append("─" * (track - knob - 1), style=Style(dim=True))
        t.append(counter, style=Style(dim=True))
        t.truncate(width, overflow="crop")
        return t

    # -- input ----------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.index = self._clamp(self.index + delta)

    def action_first(self) -> None:
        self.index = 0

    def action_last(self) -> None:
        self.index = self._clamp(len(self.steps) - 1)

    def on_click(self, event: events.Click) -> None:
        n = len(self.steps)
        label, _, track = self._layout(self.content_size.width)
        x = event.x - len(label)
        if n > 1 and track >= 3 and 0 <= x < track:
            self.index = round(x * (n - 1) / (track - 1))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
