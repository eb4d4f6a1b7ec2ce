"""One-line rows of the runs and tags lists, and the status line, as rich Text of an exact width.

Pure functions so the list widgets stay thin and the layout is testable with plain strings: each
function returns a Text exactly ``width`` cells wide (names are shortened in the middle, where run
names such as ``runs/lr_0.1/loss_train`` differ least).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

from tui.render.cells import fit
from tui.render.ticks import format_number, format_step
from tui.views.safe import inert
from tui.views.state import RunRow

__all__ = [
    "EMPTY_NAME",
    "NAN_MARK",
    "NON_FINITE_STYLE",
    "ellipsize_middle",
    "fit_name",
    "format_count",
    "group_row",
    "run_row",
    "status_line",
    "tag_row",
]

ON_MARK = "●"
OFF_MARK = "○"
DAMAGE_MARK = "!"
#: Values a line cannot show (a diverged run): marked on charts and counted in the tag list.
NAN_MARK = "×"
POS_INF_MARK = "▲"
NEG_INF_MARK = "▼"
NON_FINITE_STYLE = Style(color="#ffffff", bgcolor="#d70000", bold=True)


def ellipsize_middle(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells by replacing its middle with ``…`` (keeps both ends)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    if width == 1:
        return "…"
    keep = width - 1
    head = (keep + 1) // 2
    tail = keep - head
    left = ""
    for ch in text:
        if cell_len(left + ch) > head:
            break
        left += ch
    right = ""
    for ch in reversed(text):
        if cell_len(ch + right) > tail:
            break
        right = ch + right
    out = left + "…" + right
    return out + " " * (width - cell_len(out))


def fit_name(name: str, shorter: Sequence[str], width: int) -> str:
    """``name`` in at most ``width`` cells: whole, else the first of ``shorter`` (ever shorter forms
    that keep what differs between runs) that fits, else the shortest cut in the middle."""
    forms = (name, *shorter)
    for form in forms:
        if cell_len(form) <= width:
            return form
    cut = ellipsize_middle(forms[-1], width).rstrip()
    # A form that starts elided ("…18_lr=…") cut again read "……8" in a tight legend: the name then.
    return ellipsize_middle(name, width).rstrip() if "……" in cut else cut


#: Styles of a run's status in the runs pane (tui.views.run_status); the words tell them apart too.
STATUS_STYLES = {
    "live": Style(color="green"),
    "stalled": Style(color="yellow", bold=True),
    "finished": Style(dim=True),
}


def run_row(row: RunRow, width: int, *, base: Style | None = None) -> Text:
    """``● A name …… 300 live !``: colour and toggle in one mark, the run's marker letter (the same
    in the legend and readout, so runs differ without colour), last step right-aligned, the run's
    status (``live``, how long a stalled run has been silent: ``12m``, ``done``) and the damage mark.
    The status goes first when the row is too narrow for it and an 8-cell name. A name too long
    for its room is shown as the legend shows it (:func:`fit_name`: the longest of its shorter
    ``forms`` that fits, the part that differs from the other runs, else cut in the middle)."""
    name, color, shown, marker, damaged = row.label or row.name, row.color, row.shown, row.marker, row.damaged
    last_step, status, since, forms = row.last_step, row.status, row.since, row.forms
    base = base or Style()
    step = format_step(last_step) if last_step is not None else "–"
    right = f" {step}"
    mark_w = 2 + (len(marker) + 1 if marker else 0)
    tail = right + (f" {DAMAGE_MARK}" if damaged else "  ")
    state = f" {since:>4}" if since else ""
    if width - mark_w - cell_len(tail) - cell_len(state) < 8:
        state = ""
    name_w = max(width - mark_w - cell_len(tail) - cell_len(state), 1)
    t = Text(no_wrap=True, end="", style=base)
    t.append(ON_MARK if shown else OFF_MARK, style=Style(color=color, dim=not shown))
    t.append(" ")
    if marker:
        t.append(marker, style=Style(color=color, bold=shown, dim=not shown))
        t.append(" ")
    label = fit_name(inert(name), tuple(inert(f) for f in forms), name_w)
    t.append(label + " " * (name_w - cell_len(label)), style=Style(dim=not shown))
    t.append(right, style=Style(dim=True))
    if state:
        t.append(state, style=STATUS_STYLES.get(status, Style()))
    if damaged:
        t.append(f" {DAMAGE_MARK}", style=Style(color="yellow", bold=True))
    else:
        t.append("  ")
    return fit(t, width)


#: How a tag or group named "" is shown (torch keeps such a tag): the tag list, chart titles, summary.
EMPTY_NAME = '""'


def group_row(name: str, count: int, width: int, *, collapsed: bool, base: Style | None = None) -> Text:
    """``▾ train (4)``: a tag group header (the prefix before the first ``/``)."""
    t = Text(no_wrap=True, end="", style=base or Style())
    t.append("▸ " if collapsed else "▾ ", style=Style(dim=True))
    label = ellipsize_middle(inert(name) or EMPTY_NAME, max(width - 2 - len(f" ({count})"), 1))
    t.append(label, style=Style(bold=True))
    t.append(f" ({count})", style=Style(dim=True))
    return fit(t, width)


#: Cells a tag row's last value is right-aligned in (``0.05219``, ``-0.1234``, ``1.5k``; longer ones push).
VALUE_CELLS = 8


@dataclass(frozen=True, slots=True)
class TagInfo:
    """What a tag row shows besides its name: a sparkline (already drawn) and a value."""

    spark: str = ""
    value: float | None = None
    color: str | None = None
    #: NaN and infinite values the visible runs logged under the tag (a diverged run).
    nonfinite: int = 0


def tag_row(
    label: str, width: int, info: TagInfo = TagInfo(), *, indent: int = 2, base: Style | None = None
) -> Text:
    """``  loss ▁▂▃▅▇ ×3 0.234``: tag name, a sparkline, how many NaN/inf values the visible runs
    logged (none: nothing shown) and the last value of the focused run.

    The value is right-aligned in :data:`VALUE_CELLS` cells while the sparkline shows, so the
    sparklines of tags with equal-length names (``loss_head_00``...) start in one column whatever
    their values (``0.05219`` and ``0.209`` differ in length). The sparkline and value are dropped
    (in that order) when the row is too narrow for a readable name, so the name always has at least
    8 cells; the NaN count stays (a diverged run must show).
    """
    spark, value, color, nonfinite = info.spark, info.value, info.color, info.nonfinite
    bad = f" {NAN_MARK}{format_count(nonfinite)}" if nonfinite else ""
    width -= cell_len(bad)
    val = f" {format_number(value, 4)}" if value is not None else ""
    sp = f" {spark}" if spark else ""
    room = width - indent
    if sp and val and room - cell_len(sp) - 1 - VALUE_CELLS >= 8:
        val = " " + val[1:].rjust(VALUE_CELLS)
    if room - cell_len(sp) - cell_len(val) < 8:
        sp = ""
        val = " " + val.strip() if val else ""
    if room - cell_len(val) < 8:
        val = ""
    name_w = max(room - cell_len(sp) - cell_len(val), 1)
    t = Text(no_wrap=True, end="", style=base or Style())
    t.append(" " * indent)
    t.append(set_cell_size(ellipsize_middle(inert(label), name_w), name_w))  # cells, not characters
    if sp:
        t.append(sp, style=Style(color=color) if color else Style(dim=True))
    if bad:
        t.append(" ")
        t.append(bad[1:], style=NON_FINITE_STYLE)
    if val:
        t.append(val, style=Style(bold=True))
    return fit(t, width + cell_len(bad))


def format_count(n: int) -> str:
    """A count in at most 4 cells: ``7``, ``512``, ``3k``, ``12k``, ``2M``."""
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        return f"{n // 1000}k"
    return f"{min(n // 1_000_000, 999)}M"


def status_line(parts: list[tuple[str, str]], width: int, *, right: str = "") -> Text:
    """Status bar: ``(text, style)`` parts separated by `` │ ``, cut to ``width``; ``right`` flush right."""
    t = Text(no_wrap=True, end="")
    for i, (text, style) in enumerate(p for p in parts if p[0]):
        if i:
            t.append(" │ ", style="dim")
        t.append(text, style=style)
    if right:
        room = width - t.cell_len - 1
        if room >= cell_len(right):
            t.append(" " * (room - cell_len(right) + 1))
            t.append(right, style="dim")
    return fit(t, width)
