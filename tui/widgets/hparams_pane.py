"""The HParams tab: one row per run of a sweep, a column per hyperparameter and per metric.

Sessions come from :mod:`tui.model.hparams` (torch's and tensorboardX's extra ``add_hparams``
runs folded into their training runs). The table lists every session of the logdir; rows whose
runs are hidden in the other tabs are dimmed rather than dropped, so after "show only these
runs" the rest of the sweep is still there to pick from.

Keys: ``enter`` (or a click on a header) sorts by the cursor's column, again to reverse;
``f`` edits the filter (text, or comparisons such as ``lr<0.05 model=mlp``); ``space`` marks a
row; ``v`` shows only the marked rows' runs (or the cursor row's) in every tab, by posting
:class:`HParamsPane.ShowOnly` to the app; ``u`` clears the marks. Moving the cursor to a row
highlights its run in the runs pane (:class:`~tui.widgets.pane.Pane.FocusRun`).

Beside the table, ``c`` switches between TensorBoard's other two hparams views and none: parallel
coordinates (a braille line per row across every hparam and metric axis, the cursor's row on top) and
a scatter of one hparam against one metric, the hparam and metric being the last ones the table's
cursor stood on. Both show the table's rows, filtered and sorted, in their runs' colours.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Label, Static

from tui.model.hparams import (
    Column,
    HParamsTable,
    Session,
    collect,
    filter_problems,
    filter_sessions,
    format_value,
    runs_regex,
    sort_sessions,
)
from tui.render.cells import cut_at_word
from tui.render.parallel_coords import normalise_axis, render_parallel_coords
from tui.render.rows import fit_name
from tui.render.safe_text import SafeText
from tui.render.scatter import render_hparam_scatter
from tui.views.runs import short_names, shorter_forms
from tui.views.safe import inert
from tui.views.selection import PaneContext
from tui.widgets.hparams_table import SessionTable
from tui.widgets.lines_view import LinesView
from tui.widgets.pane import Pane

__all__ = ["HParamsPane"]

MARK = "✓"
#: Widest a text cell is drawn (cut after a whole word); the cursor's cell is spelled out in full
#: in the line under the table. A long value (an optimizer's description) pushed every other
#: column out of sight, cut mid-word by the table's edge.
VALUE_CELLS = 24
#: Widest the run column is drawn: it stays in place while the others scroll, so a sweep's long
#: names left no room to scroll them into. It takes a fifth of the pane (the table at most 60%), at
#: least :data:`MIN_RUN_CELLS`: at 80 columns 36 cells of names left one hparam in sight.
RUN_CELLS = 36
MIN_RUN_CELLS = 12
#: What ``c`` cycles through beside the table.
PLOTS = ("parallel", "scatter", "none")


class HParamsPane(Pane):
    """Sortable, filterable table of hyperparameter sessions."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    HParamsPane {
        height: 1fr;
    }

    .hparams-pane-table:focus {
        border: round $accent;
    }

    .hparams-pane-status {
        height: 1;
    }

    .hparams-pane-empty {
        height: 1fr;
        padding: 1 2;
    }

    .hparams-pane-bar {
        height: 1;
    }

    .hparams-pane-label {
        width: auto;
        color: $text-muted;
        padding: 0 1;
    }

    .hparams-pane-filter {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
    }

    .hparams-pane-filter:focus {
        background: $accent 25%;
    }

    /* The plot keeps 40% at least: a table of 65% and a plot of at least 30 cells ran off an 80- or
       100-column screen. */
    .hparams-pane-table {
        height: 1fr;
        width: auto;
        max-width: 60%;
        border: round $panel;
    }

    .hparams-pane-top {
        height: 1fr;
    }

    .hparams-pane-plot {
        width: 1fr;
        height: 1fr;
        border: round $panel;
    }

    .hparams-pane-status {
        padding: 0 1;
    }

    /* The cursor's cell spelled out: as many lines as the value needs, up to a third of the pane. */
    .hparams-pane-status.-full {
        height: auto;
        max-height: 33%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "edit_filter", "Filter rows"),
        Binding("space", "mark", "Mark row"),
        Binding("v", "show_only", "Show only marked runs"),
        Binding("u", "unmark", "Clear marks", show=False),
        Binding("escape", "leave_filter", "Back to the table", show=False),
        Binding(
            "c",
            "cycle_plot",
            "Plots",  # the key bar's word; the help says what it cycles through
            tooltip="Plot: parallel coordinates / hparam vs metric / none",
        ),
    ]

    class ShowOnly(Pane.ShowOnly):
        """Ask the app to show only ``runs`` in every tab (hide all others).

        ``runs`` are the selected sessions' runs and the runs under them (e.g. a torch run's
        ``loss_train`` sub-run), in logdir order. ``regex`` matches exactly those runs and their
        future sub-runs, for an app that prefers to put it in its run filter instead.
        """

        def __init__(self, runs: tuple[str, ...], regex: str) -> None:
            super().__init__(runs, "HParams")
            self.regex = regex

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.data = HParamsTable()
        self.rows: list[Session] = []
        self.sort_key: str | None = None
        self.descending = False
        self.query_text = ""
        self.marked: set[str] = set()  # session_run of each marked row
        self._seen: tuple[object, int] | None = None  # (logdir, generation) last collected
        self._visible: frozenset[str] = frozenset()
        self._colors: dict[str, str] = {}
        self._cursor_run: str | None = None
        #: Each session run's name without the prefix every run shares (tui.views.runs.short_names).
        self._labels: dict[str, str] = {}
        #: Ever shorter forms of each label that keep what differs (tui.views.runs.shorter_forms).
        self._forms: dict[str, tuple[str, ...]] = {}
        #: The run column's width as last drawn (:meth:`_run_cells` for the pane's width then).
        self._run_width = RUN_CELLS
        self.plot = PLOTS[0]
        self.x_column: str | None = None  # the hparam the scatter plots along x
        self.y_column: str | None = None  # the metric it plots along y

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The table comes first so Tab reaches it before the filter (f jumps to the filter).
        with Horizontal(classes="hparams-pane-top"):
            yield SessionTable(cursor_type="cell", zebra_stripes=True, classes="hparams-pane-table")
            yield LinesView(classes="hparams-pane-plot")
        with Horizontal(classes="hparams-pane-bar"):
            yield Label("filter", classes="hparams-pane-label")
            yield Input(placeholder="text, or lr<0.05 model=mlp …  (f)", classes="hparams-pane-filter")
        yield Static("", classes="hparams-pane-status")
        yield Static("", classes="hparams-pane-empty")

    @property
    def table(self) -> SessionTable:
        return self.query_one(SessionTable)

    # -- data -----------------------------------------------------------------------------------

    def watch_context(self, old: PaneContext | None, new: PaneContext | None) -> None:
        if new is None:
            return
        changed = False
        if self._seen is None or self._seen[0] is not new.logdir or self._seen[1] != new.generation:
            self._seen = (new.logdir, new.generation)
            data = collect(new.logdir.runs)
            if data != self.data:
                self.data = data
                self.marked &= {s.session_run for s in data.sessions}
                changed = True
        visible = frozenset(new.runs)
        if visible != self._visible or new.colors != self._colors:
            self._visible, self._colors = visible, dict(new.colors)
            changed = True
        if changed or not self.table.columns:
            self._rebuild()

    def _shown(self, s: Session) -> bool:
        return s.run in self._visible or s.session_run in self._visible

    def _rebuild(self) -> None:
        """Redraw the table from the data, filter, sort and marks, keeping the cursor's run and
        column where they still are."""
        table = self.table
        cols = self.data.columns
        sort_col = self.data.column(self.sort_key) if self.sort_key else None
        if sort_col is None:
            self.sort_key = None
        rows = filter_sessions(self.data.sessions, cols, self.query_text)
        if sort_col is not None:
            rows = sort_sessions(rows, sort_col, self.descending)
        self.rows = rows
        self._labels = short_names(sorted({s.run for s in self.data.sessions}))
        self._forms = shorter_forms(list(self._labels.values()))
        self._run_width = self._run_cells()
        keep_run = self._cursor_run
        keep_col = table.cursor_coordinate.column if table.columns else 0
        table.clear(columns=True)
        for c in cols:
            table.add_column(self._header(c, sort_col), key=c.key)
        # The run column stays in place while the hparams and metrics scroll sideways under it.
        table.fixed_columns = 1 if cols and cols[0].kind == "run" else 0
        for s in rows:
            table.add_row(*(self._cell(s, c) for c in cols), key=s.session_run)
        row = next((i for i, s in enumerate(rows) if s.session_run == keep_run), 0)
        if rows:
            table.move_cursor(row=row, column=min(keep_col, len(cols) - 1), animate=False)
        empty = self.query_one(".hparams-pane-empty", Static)
        empty.display = not self.data.sessions
        self.query_one(".hparams-pane-top").display = bool(self.data.sessions)
        self._draw_plot()
        if not self.data.sessions:
            empty.update(
                Text.assemble(
                    ("No hyperparameter sessions in this logdir.\n\n", "bold"),
                    "Runs get a row here when they log hparams: torch and tensorboardX "
                    "add_hparams(), or TF's tensorboard.plugins.hparams API.",
                    (f"\n\n{_problems(self.data.problems)}" if self.data.problems else "", "yellow"),
                )
            )
        self._status()

    def _run_cells(self) -> int:
        return max(MIN_RUN_CELLS, min(RUN_CELLS, self.size.width // 5))

    def on_resize(self) -> None:
        if self.data.sessions and self._run_cells() != self._run_width:
            self._rebuild()

    def _header(self, c: Column, sort_col: Column | None) -> Text:
        t = SafeText(c.label, style=Style(bold=True, color="magenta" if c.kind == "metric" else None))
        if sort_col is not None and c.key == sort_col.key:
            t.append(" ▼" if self.descending else " ▲", style=Style(color="cyan", bold=True))
        return t

    def _cell(self, s: Session, c: Column) -> Text:
        dim = not self._shown(s)
        marked = s.session_run in self.marked
        base = Style(dim=dim, bold=marked)
        if c.kind == "run":
            t = SafeText(no_wrap=True, style=base)
            t.append(f"{MARK} " if marked else "  ", style=Style(color="green", bold=True))
            t.append("■ ", style=Style(color=self._colors.get(s.run, "white")))
            label = self._labels.get(s.run, s.run)
            t.append(fit_name(label, self._forms.get(label, ()), self._run_width))
            return t
        v = s.value(c)
        numeric = isinstance(v, float) and not isinstance(v, bool)
        text = format_value(v) if numeric else cut_at_word(format_value(v), VALUE_CELLS)
        return SafeText(text, style=base, justify="right" if numeric else "left")

    def _full_value(self, row: int, column: int) -> str | None:
        """``column = value`` when the cell at (row, column) is drawn cut, else None."""
        s = self._session_at(row)
        cols = self.data.columns
        if s is None or not 0 <= column < len(cols):
            return None
        c = cols[column]
        if c.kind == "run":  # the shared prefix is left out on purpose; a cut name is spelled out
            cut = len(self._labels.get(s.run, s.run)) > self._run_width
            return f"run = {s.run}" if cut else None
        full = format_value(s.value(c))
        return None if self.cell_text(row, column) == full else f"{c.label} = {full}"

    def _status(self) -> None:
        t = SafeText(no_wrap=True, end="", overflow="ellipsis")
        table = self.table
        status = self.query_one(".hparams-pane-status", Static)
        full = self._full_value(*table.cursor_coordinate) if self.rows and table.columns else None
        # The cursor's cell is cut in the table: here it is whole, on as many lines as it needs
        # (folded where it has no space: a value longer than the screen's width was cut again).
        status.set_class(full is not None, "-full")
        if full is not None:
            status.update(SafeText(full, end="", overflow="fold"))
            return
        total = len(self.data.sessions)
        t.append(f"{len(self.rows)} of {total} runs" if self.query_text else f"{total} runs")
        sort_col = self.data.column(self.sort_key) if self.sort_key else None
        if sort_col is not None:
            t.append(f" · sorted by {sort_col.label} {'▼' if self.descending else '▲'}")
        if self.marked:
            t.append(f" · {len(self.marked)} marked", style=Style(color="green"))
        for why in filter_problems(self.data.columns, self.query_text):
            t.append(f" · filter: {why}", style=Style(color="yellow"))
        if self.data.problems:
            t.append(f" · {_problems(self.data.problems)}", style=Style(color="yellow"))
        t.append("   enter sorts by the cursor's column", style=Style(dim=True))  # the rest: key bar
        status.update(t)

    # -- cursor and sorting ---------------------------------------------------------------------

    def _session_at(self, row: int) -> Session | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        cols = self.data.columns
        if 0 <= event.coordinate.column < len(cols):
            c = cols[event.coordinate.column]
            if c.kind == "hparam":
                self.x_column = c.key
            elif c.kind == "metric":
                self.y_column = c.key
        self._draw_plot(event.coordinate.row)
        self._status()
        s = self._session_at(event.coordinate.row)
        if s is None or s.session_run == self._cursor_run:
            return
        self._cursor_run = s.session_run
        # Only a move the user made: building the table must not move the runs pane's cursor.
        if self.table.has_focus and self.context is not None and s.run in self.context.logdir.runs:
            self.post_message(Pane.FocusRun(s.run))

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.sort_by(self.data.columns[event.coordinate.column].key)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(str(event.column_key.value))

    def sort_by(self, key: str) -> None:
        """Sort by column ``key``; the same column again reverses the order."""
        if self.sort_key == key:
            self.descending = not self.descending
        else:
            self.sort_key, self.descending = key, False
        self._rebuild()

    # -- plots beside the table -----------------------------------------------------------------

    def action_cycle_plot(self) -> None:
        self.plot = PLOTS[(PLOTS.index(self.plot) + 1) % len(PLOTS)]
        self._draw_plot()

    def plot_axes(self) -> tuple[Column | None, Column | None]:
        """The scatter's (hparam, metric): the last the cursor stood on, else the first of each."""
        cols = self.data.columns
        x = self.data.column(self.x_column) if self.x_column else None
        y = self.data.column(self.y_column) if self.y_column else None
        x = x or next((c for c in cols if c.kind == "hparam"), None)
        y = y or next((c for c in cols if c.kind == "metric"), None)
        return x, y

    def _draw_plot(self, row: int | None = None) -> None:
        view = self.query_one(".hparams-pane-plot", LinesView)
        view.display = self.plot != "none" and bool(self.data.sessions)
        if not view.display:
            return
        rows = list(self.rows)
        if row is None:
            row = self.table.cursor_coordinate.row if self.table.columns else 0
        colors = [self._colors.get(s.run, "white") for s in rows]
        names = [s.run for s in rows]
        if self.plot == "parallel":
            cols = [c for c in self.data.columns if c.kind != "run"]
            axes = [normalise_axis(c.label, [s.value(c) for s in rows]) for c in cols]
            view.border_title = Text("parallel coordinates (c)")
            key = ("parallel", id(self.data), tuple(names), tuple(colors), row, self.query_text)

            def draw(w: int, h: int) -> list[Text]:
                return render_parallel_coords(axes, names, w, h, colors=colors, highlight=row)

        else:
            x, y = self.plot_axes()
            xs = [s.value(x) for s in rows] if x is not None else [None] * len(rows)
            ys = [s.value(y) for s in rows] if y is not None else [None] * len(rows)
            xl, yl = (x.label if x else ""), (y.label if y else "")
            view.border_title = SafeText(f"{yl} against {xl} (c; the cursor's columns are the axes)")
            key = ("scatter", id(self.data), tuple(names), tuple(colors), xl, yl, self.query_text)

            def draw(w: int, h: int) -> list[Text]:
                return render_hparam_scatter(xs, ys, names, w, h, colors=colors, x_label=xl, y_label=yl).lines

        view.show(
            key,
            draw,
            subject="the hparams " + ("parallel coordinates" if self.plot == "parallel" else "scatter"),
        )

    # -- filter ---------------------------------------------------------------------------------

    def action_edit_filter(self) -> None:
        self.query_one(".hparams-pane-filter", Input).focus()

    def action_leave_filter(self) -> None:
        if isinstance(self.app.focused, Input):
            self.table.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self.query_text:
            self.query_text = event.value
            self._rebuild()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    # -- marks and "show only" ------------------------------------------------------------------

    def _cursor_session(self) -> Session | None:
        return self._session_at(self.table.cursor_coordinate.row) if self.rows else None

    def action_mark(self) -> None:
        s = self._cursor_session()
        if s is None:
            return
        self.marked ^= {s.session_run}
        self._rebuild()

    def action_unmark(self) -> None:
        if self.marked:
            self.marked.clear()
            self._rebuild()

    def selected_sessions(self) -> list[Session]:
        """The marked rows (in table order), or the cursor's row when none is marked."""
        marked = [s for s in self.data.sessions if s.session_run in self.marked]
        if marked:
            return marked
        s = self._cursor_session()
        return [s] if s is not None else []

    def action_show_only(self) -> None:
        sessions = self.selected_sessions()
        if not sessions or self.context is None:
            return
        wanted = {r for s in sessions for r in s.runs}
        runs = tuple(n for n in self.context.logdir.runs if n in wanted)
        # The app hides the other runs and says so (its "a" key shows them all again).
        self.post_message(self.ShowOnly(runs, runs_regex(s.run for s in sessions)))

    def cell_text(self, row: int, column: int) -> str:
        """The plain text of a cell as drawn (for tests and screen readers)."""
        value = self.table.get_cell_at(Coordinate(row, column))
        return value.plain if isinstance(value, Text) else str(value)


def _problems(problems: tuple[str, ...]) -> str:
    """The first problem, and how many more (the status line has room for one)."""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{inert(problems[0])}{more}"
