"""What the user has chosen to see, and what that makes of the logdir: one mutable object the app owns.

Filters, toggled-off runs, the focused run and the chart switches (one
:class:`~tui.views.chart_options.ChartOptions` value) live here, with the rules that change them (``o``
keeps one run, ``a`` shows all...). From the state and the logdir it builds the immutable things
widgets draw: the runs pane's rows, the status line and the :class:`PaneContext` handed to the active
tab. No Textual: the app turns keys into calls here and the results into widget updates.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from tui.model.logdir import Logdir
from tui.views.cache import LruCache
from tui.views.chart_options import DEFAULT_SMOOTHING, ChartOptions
from tui.views.first_screen import Remembered
from tui.views.run_status import RunStatus, RunWatch
from tui.views.runs import marker_for, short_names, shorter_forms
from tui.views.safe import Inert
from tui.views.selection import PaneContext, filter_matches

__all__ = ["RunRow", "StatusInfo", "ViewState"]

#: Sets of runs whose labels are kept (:meth:`ViewState._labels`): each character typed into the runs
#: filter may list other runs, and erasing it lists the same ones again.
LABEL_SETS = 16


@dataclass(frozen=True, slots=True)
class RunRow:
    """One row of the runs pane: ``label`` is the name without the prefix every listed run shares."""

    name: str
    color: str
    shown: bool
    last_step: int | None
    damaged: bool = False
    marker: str = ""
    label: str = ""
    #: Live, stalled or finished (tui.views.run_status): ``status`` is its kind, ``since`` the short
    #: text the row shows (``live``, ``12m``, ``done``).
    status: str = ""
    since: str = ""
    #: Ever shorter forms of ``label`` that keep what tells the run from the others
    #: (tui.views.runs.shorter_forms): the row shows the longest that fits.
    forms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _KeptRow:
    """A run's row and what it was made from: its data (run, version, when it last grew), its
    status and until when that status reads the same, how it is drawn among the listed runs
    (``look``: shown, colour, marker, label, shorter forms) and everything the row shows."""

    data: tuple | None
    status: RunStatus
    expires: float
    look: tuple
    shows: tuple
    row: RunRow
    torn: bool


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """What the status bar says."""

    logdir: str = ""
    runs_total: int = 0
    runs_shown: int = 0
    points: int = 0
    state: str = "starting"  # "loading 40%" | "live" | "stalled" | "idle" | "paused" | "idle (polling)" ...
    updated: float | None = None
    options: ChartOptions = field(default_factory=ChartOptions)
    #: The notice line: a run's problem or a file name quote log text, so it is made inert here.
    notice: Inert = field(default_factory=Inert)


@dataclass
class ViewState:
    """The user's choices; ``palette(i)`` colours the i-th run ever seen (a run keeps its colour and
    its marker letter for the session)."""

    palette: Callable[[int], str]
    run_regex: str = ""
    tag_regex: str = ""
    #: Smoothing, x mode, log y, outliers: replaced as a whole when a key changes one of them.
    options: ChartOptions = field(default_factory=ChartOptions)
    paused: bool = False
    hidden: set[str] = field(default_factory=set)
    run_colors: dict[str, str] = field(default_factory=dict)
    run_markers: dict[str, str] = field(default_factory=dict)
    focused_run: str | None = None
    notice: str = ""
    #: The tag each tab shows, as its pane last told (``Pane.TagShown``): the dashboard opens on the
    #: Scalars and Histograms ones.
    tab_tags: dict[str, str | None] = field(default_factory=dict)
    #: The Scalars tag the next session opens on, as the Scalars pane last told: the one shown, or
    #: while the pane still waits for the one asked for at start, that one (which it starts as).
    wanted_tag: str | None = None
    #: What was derived from the logdir, by what it was derived from (see :meth:`_derived`).
    _memo: dict[str, tuple[object, object]] = field(default_factory=dict, repr=False, compare=False)
    #: When each run last grew, for its live / stalled / finished status.
    watch: RunWatch = field(default_factory=RunWatch)
    #: Each run's last row with what it was made from (see :meth:`rows`), kept while the runs filter
    #: leaves it out, and when the list kept in ``_memo`` is due again (the soonest a row's status
    #: reads differently).
    _row_cache: dict[str, _KeptRow] = field(default_factory=dict, repr=False, compare=False)
    #: Run labels by the runs they were cut among (see :meth:`_labels`): typing into the runs filter
    #: and erasing it again names the same sets of runs.
    _label_sets: LruCache[tuple, tuple] = field(
        default_factory=lambda: LruCache(LABEL_SETS), repr=False, compare=False
    )
    _rows_until: float = field(default=0.0, repr=False, compare=False)
    _observed: tuple | None = field(default=None, repr=False, compare=False)

    @classmethod
    def opening(
        cls,
        palette: Callable[[int], str],
        last: Remembered,
        *,
        runs: str = "",
        tags: str = "",
        smoothing: float | None = None,
        x_mode: str | None = None,
    ) -> ViewState:
        """The view a session opens on: what the command line asked, else what the last session on
        this logdir left (``last``), else the defaults."""
        return cls(
            palette,
            run_regex=runs or "",
            tag_regex=tags or "",
            options=ChartOptions(
                smoothing=next(w for w in (smoothing, last.smoothing, DEFAULT_SMOOTHING) if w is not None),
                x_mode=x_mode or last.x_mode or "step",  # type: ignore[arg-type]
            ),
            hidden=set(last.hidden),
        )

    # -- derived --------------------------------------------------------------------------------
    #
    # With thousands of runs, every push (a key that moves the run cursor, a loader slice) would
    # filter, label and count every run again: a quarter of a second at 2,000 runs. What is derived
    # depends only on the logdir's generation (it moves whenever a run or its data changes), the
    # runs filter and the hidden runs, so it is kept until one of them changes.

    def _derived(self, what: str, key: object, make: Callable[[], object]) -> object:
        hit = self._memo.get(what)
        if hit is not None and hit[0] == key:
            return hit[1]
        value = make()
        self._memo[what] = (key, value)
        return value

    def _runs_key(self, logdir: Logdir) -> tuple:
        return (id(logdir), id(logdir.runs), logdir.generation, self.run_regex)

    def matching_runs(self, logdir: Logdir) -> list[str]:
        """Runs the runs filter lets through, in the logdir's order (colouring runs seen the first time)."""
        return list(self._matching(logdir))

    def _matching(self, logdir: Logdir) -> tuple[str, ...]:
        def make() -> tuple[str, ...]:
            names = list(logdir.runs)
            for name in names:
                if name not in self.run_colors:
                    self.run_markers[name] = marker_for(len(self.run_colors))
                    self.run_colors[name] = self.palette(len(self.run_colors))
            return tuple(n for n in names if filter_matches(self.run_regex, n, ignore_case=False))

        return self._derived("matching", self._runs_key(logdir), make)  # type: ignore[return-value]

    def visible_runs(self, logdir: Logdir) -> tuple[str, ...]:
        key = (self._runs_key(logdir), frozenset(self.hidden))
        return self._derived(  # type: ignore[return-value]
            "visible", key, lambda: tuple(n for n in self._matching(logdir) if n not in self.hidden)
        )

    def _labels(
        self, runs: tuple[str, ...], what: str = "labels"
    ) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
        """Each run's label and its shorter forms among ``runs``, kept per ``what`` (the charts and the
        runs pane both name runs among the listed ones: one derivation, "row labels")."""

        def make() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
            labels = short_names(runs)
            forms = shorter_forms(list(labels.values()))
            return labels, {run: forms[label] for run, label in labels.items()}

        return self._label_sets.derive((what, runs), None, make)  # type: ignore[return-value]

    def context(self, logdir: Logdir, *, loading: bool = False) -> PaneContext:
        """What the active tab shows now (``loading``: the first pass is still reading history)."""
        runs = self.visible_runs(logdir)
        # Names are cut against the runs the runs pane lists, as its rows are, not the visible ones:
        # toggling a run leaves every name as it was (and does not shorten 2,000 names again).
        labels, short_forms = self._labels(self._matching(logdir), "row labels")
        return PaneContext(
            logdir=logdir,
            generation=logdir.generation,
            runs=runs,
            colors=dict(self.run_colors),
            markers=dict(self.run_markers),
            labels=dict(labels),
            short_forms=dict(short_forms),
            focused_run=self.focused_run,
            run_regex=self.run_regex,
            tag_regex=self.tag_regex,
            options=self.options,
            paused=self.paused,
            loading=loading,
        )

    def rows(self, logdir: Logdir, now: float | None = None, *, loading: bool = False) -> list[RunRow]:
        """The runs pane's rows (``loading``: the first pass is still reading history). A file ending
        in an incomplete record counts as damage once its run is no longer live (a live writer
        completes it at its next flush; summary says the same).

        With thousands of runs a key press must not rebuild them: the list is kept until the runs,
        the runs the filter lets through (not its text: ``lr`` and ``lr_`` may list the same runs)
        or the hidden set change, or one run's status would read differently (a stalled run's
        ``12m`` turning ``13m``: :attr:`RunStatus.lasts`); and then each row is made again only if
        what it shows changed (a toggle makes one row, not two thousand). A run's row is kept while
        the filter leaves it out, so erasing a character of the filter makes no row anew."""
        now = time.time() if now is None else now
        observed = (id(logdir), logdir.generation, logdir.loaded_once, loading)
        if observed != self._observed:  # runs grow only when the logdir's generation moves
            self.watch.observe(logdir, now, loading=loading)
            self._observed = observed
        names = self._matching(logdir)
        key = ((id(logdir), id(logdir.runs), logdir.generation), names, frozenset(self.hidden), loading)
        hit = self._memo.get("rows")
        if hit is not None and now < self._rows_until:
            was = hit[0]  # type: ignore[index]
            if was == key:
                return hit[1]  # type: ignore[return-value]
            if (was[0], was[1], was[3]) == (key[0], key[1], key[3]):  # only runs turned on or off
                rows = self._toggled(hit[1], was[2] ^ key[2])  # type: ignore[arg-type]
                self._memo["rows"] = (key, rows)
                return rows
        rows = self._rows(logdir, names, now)
        self._memo["rows"] = (key, rows)
        return rows

    def _toggled(self, rows: list[RunRow], flipped: frozenset[str]) -> list[RunRow]:
        """``rows`` with the runs of ``flipped`` turned on or off: what :meth:`_rows` would make,
        without looking at two thousand runs again for the one a key toggled."""
        rows = list(rows)
        index = {row.name: i for i, row in enumerate(rows)}
        for name in flipped:
            kept, i = self._row_cache.get(name), index.get(name)
            if kept is None or i is None:
                continue  # not listed (the runs filter leaves it out)
            shown = name not in self.hidden
            row = replace(kept.row, shown=shown)
            look = (shown, *kept.look[1:])
            self._row_cache[name] = replace(
                kept, look=look, shows=(kept.shows[0], *look, *kept.shows[6:]), row=row
            )
            rows[i] = row
        return rows

    def _rows(self, logdir: Logdir, names: tuple[str, ...], now: float) -> list[RunRow]:
        runs, hidden, colors, markers = logdir.runs, self.hidden, self.run_colors, self.run_markers
        grew_at = self.watch.grew_at
        labels, forms = self._labels(names, "row labels")
        # Markers grow a digit after 48 runs (A2): padded to one width, so the names stay in a column.
        marker_w = max((len(markers[n]) for n in names), default=0)
        kept = self._row_cache
        if len(kept) > len(runs):  # runs went from the logdir (another folder read in its place)
            kept = self._row_cache = {name: row for name, row in kept.items() if name in runs}
        rows, until = [], math.inf
        for name in names:
            run = runs.get(name)
            data = (id(run), run.version, grew_at(name)) if run is not None else None
            look = (
                name not in hidden,
                colors[name],
                markers[name].ljust(marker_w),
                labels[name],
                forms[name],
            )
            hit = kept.get(name)
            if hit is not None and hit.data == data and now < hit.expires:
                if hit.look == look:  # nothing it shows changed (its status reads the same until then)
                    rows.append(hit.row)
                    until = min(until, hit.expires)
                    continue
                st, expires = hit.status, hit.expires
            else:
                st = self.watch.status(run, now) if run is not None else RunStatus()
                expires = now + st.lasts
            shows = (data, *look, st.kind, st.short)
            if hit is not None and hit.shows == shows:
                row, torn = hit.row, hit.torn
            else:
                torn = bool(run and run.torn_tail)
                damaged = bool(run and (run.damaged or (torn and st.kind not in ("live", ""))))
                last_step = run.last_step if run is not None else None
                shown, color, marker, label, short = look
                row = RunRow(name, color, shown, last_step, damaged, marker, label, st.kind, st.short, short)
            if torn:  # a torn file turns "cut short" with time alone (records.STALE_SECONDS)
                expires = min(expires, now + 1.0)
            kept[name] = _KeptRow(data, st, expires, look, shows, row, torn)
            rows.append(row)
            until = min(until, expires)
        self._rows_until = until
        return rows

    def status(
        self,
        logdir: Logdir,
        path: str,
        loader_state: str,
        *,
        reason: str = "",
        updated: float | None = None,
        fault: str | None = None,
        now: float | None = None,
    ) -> StatusInfo:
        """The status line: live state in words, and the notice (the user's, else a storage fault or
        retry of a remote logdir, else the focused run's first problem, else its stall, else the
        logdir's absence or first problem). What was loaded stays on screen whatever the notice."""
        runs = logdir.runs
        state = "paused" if self.paused else loader_state
        if state in ("events", "polling"):
            state = self.activity()
        if loader_state == "polling" and not self.paused:
            state += f" (polling{': ' + reason if reason and reason != '--poll' else ''})"
        notice = self.notice or (f"! {fault}" if fault else "")
        focused = runs.get(self.focused_run) if self.focused_run else None
        st = self.watch.status(focused, time.time() if now is None else now) if focused else RunStatus()
        torn = focused is not None and focused.torn_tail and st.kind not in ("live", "")
        if not notice and focused is not None and (focused.damaged or torn) and focused.problems:
            problems = focused.problems
            notice = f"! {focused.name}: {problems[0]}" + (
                f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            )
        if not notice and focused is not None and st.kind == "stalled":
            notice = f"{focused.name}: {st.describe()}"
        absence = logdir.absence
        if absence or logdir.problems:
            notice = notice or absence or f"! {logdir.problems[0]}"
        return StatusInfo(
            logdir=path,
            runs_total=len(runs),
            runs_shown=len(self.visible_runs(logdir)),
            points=self._derived(  # type: ignore[arg-type]
                "points", (id(logdir), logdir.generation), lambda: sum(r.point_count() for r in runs.values())
            ),
            state=state,
            updated=updated,
            options=self.options,
            notice=Inert(notice),
        )

    def activity(self) -> str:
        """The status bar's word once the logdir is read: what the runs pane's rows say (one rule for
        both): ``live`` while a listed run is live, else ``stalled`` while one is stalled, else
        ``idle`` (every run done, or none yet). The loader watching for changes is not a live run:
        the word was "live" with every run finished."""
        kept = self._memo.get("rows")
        kinds = {row.status for row in kept[1]} if kept else set()  # type: ignore[union-attr]
        return "live" if "live" in kinds else "stalled" if "stalled" in kinds else "idle"

    def read_order(self, logdir: Logdir, on_screen: Iterable[str]) -> list[str]:
        """The runs the screen needs first, for the loader: the focused run, the rows the runs pane
        shows (``on_screen``), then the runs the tabs draw (visible, not toggled off); the rest after."""
        focused = [self.focused_run] if self.focused_run else []
        return [*focused, *on_screen, *self.visible_runs(logdir)]

    def remembered(self) -> Remembered:
        """What the next open of this logdir starts from: the tag, smoothing, hidden runs and x mode."""
        o = self.options
        return Remembered(self.wanted_tag, o.smoothing, tuple(sorted(self.hidden)), o.x_mode)

    # -- changes --------------------------------------------------------------------------------

    def toggle_run(self, run: str) -> None:
        self.hidden ^= {run}

    def show_only(self, logdir: Logdir, runs: Iterable[str]) -> None:
        self.hidden = set(logdir.runs) - set(runs)

    def show_all(self) -> None:
        """Every run on again; a "showing only" notice goes with it."""
        self.hidden = set()
        if self.notice.startswith("showing only"):
            self.notice = ""
