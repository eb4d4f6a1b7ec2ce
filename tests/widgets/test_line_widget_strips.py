"""LineWidget.set_lines keeps the strip of a line equal to the one on screen in its row, and makes
anew every line that differs in characters, spans or base style: what it shows is what making every
strip afresh shows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual.app import App, ComposeResult

from tui.widgets.line_widget import LineWidget, text_strip


class _Lines(LineWidget):
    def frame_key(self) -> tuple:
        return ()

    def paint(self, width: int, height: int) -> list[Text] | None:
        return [Text(" " * width) for _ in range(height)]


class _Host(App):
    def compose(self) -> ComposeResult:
        yield _Lines()


def _fresh(widget: LineWidget, lines: list[Text]) -> list:
    w = widget.size.width
    return [text_strip(t, widget.app.console, w).apply_style(widget.rich_style).crop(0, w) for t in lines]


async def test_unchanged_lines_keep_their_strips_and_changed_ones_are_made_anew() -> None:
    async with _Host().run_test(size=(30, 6)) as pilot:
        await pilot.pause()
        widget = pilot.app.query_one(_Lines)
        first = [Text("axis", style="blue"), Text.assemble(("ab", "red"), "cd"), Text("x"), Text("y")]
        widget.set_lines(first)
        before = list(widget._strips)
        second = [
            Text("axis", style="blue"),  # equal: kept
            Text.assemble(("ab", "green"), "cd"),  # another span style
            Text("x", style="bold"),  # the same characters in another base style
            Text("y"),  # equal: kept
        ]
        widget.set_lines(second)
        assert widget._strips[0] is before[0] and widget._strips[3] is before[3]
        assert widget._strips[1] is not before[1] and widget._strips[2] is not before[2]
        assert widget._strips == _fresh(widget, second)
        widget.set_line(1, Text("row"))
        assert widget._strips == _fresh(widget, [second[0], Text("row"), *second[2:]])
        # A line set alone is compared with what it replaced, as set_lines' are.
        widget.set_lines([second[0], Text("row"), *second[2:]])
        assert widget._strips == _fresh(widget, [second[0], Text("row"), *second[2:]])


_style = st.sampled_from(
    ["red", "bold", "", "on blue", "italic #ff8800", Style(color="green"), Style(dim=True)]
)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab ⣿─│", max_size=12),
    _style,
    st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14), _style), max_size=6),
)
def test_a_strip_is_what_rich_renders(plain, base, spans):
    """text_strip's own conversion (spans in order and apart) gives Text.render's segments; any
    other Text goes through Text.render itself."""
    console = Console(width=40)
    text = Text(plain, style=base, end="")
    for a, b, style in spans:  # inside the text: Text.render itself fails on others
        a, b = sorted((min(a, len(plain)), min(b, len(plain))))
        text.spans.append(Span(a, b, style))
    rich = [s if s.style is not None else Segment(s.text, Style.null()) for s in text.render(console)]
    assert list(text_strip(text, console, cell_len(plain))) == rich


class _Counted(LineWidget):
    """A frame of one value, counting its paints and the lines Textual asks it for."""

    def __init__(self) -> None:
        super().__init__()
        self.value = "one"
        self.paints = 0
        self.asked = 0

    def frame_key(self) -> tuple:
        return (self.value,)

    def paint(self, width: int, height: int) -> list[Text] | None:
        self.paints += 1
        return [Text(self.value.ljust(width))] + [Text(" " * width) for _ in range(height - 1)]

    def render_line(self, y: int):
        self.asked += 1
        return super().render_line(y)


class _Shown(App):
    def compose(self) -> ComposeResult:
        yield _Counted()


async def _settle(pilot) -> None:
    for _ in range(4):
        await pilot.pause()


async def test_a_frame_hidden_and_shown_again_unchanged_is_kept_and_painted_anew_when_it_changed() -> None:
    """A tab switched away and back: Textual sends the widget a Resize at the size it had, and the
    frame kept is shown as it is (not repainted right after the switch's own update); a frame whose
    data or size changed while it was hidden is painted anew when it shows."""
    async with _Shown().run_test(size=(30, 6)) as pilot:
        await _settle(pilot)
        widget = pilot.app.query_one(_Counted)
        strips, paints = list(widget._strips), widget.paints
        widget.display = False
        await _settle(pilot)
        widget.asked = 0
        widget.display = True
        await _settle(pilot)
        assert widget.paints == paints and all(a is b for a, b in zip(widget._strips, strips, strict=True))
        assert widget.asked <= widget.size.height  # the show's update at most: no second repaint
        # The data changed while hidden: the new frame shows.
        widget.display = False
        await _settle(pilot)
        widget.value = "two"
        widget.repaint_if_changed()
        widget.display = True
        await _settle(pilot)
        assert widget.paints == paints + 1 and widget._strips[0].text.startswith("two")
        # The size changed while hidden: drawn again at the new size.
        widget.display = False
        await _settle(pilot)
        await pilot.resize_terminal(40, 8)
        widget.display = True
        await _settle(pilot)
        assert widget.paints == paints + 2
        assert (len(widget._strips), widget._strips[0].cell_length) == (8, 40)
        assert widget._strips[0].text.startswith("two")
