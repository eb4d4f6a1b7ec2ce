"""Hyperparameter sessions: one row per run, a column per hyperparameter and per metric.

Every writer records a sweep the same way on disk (the hparams plugin's ``HParamsPluginData`` in
the metadata of empty summaries): an ``_hparams_/experiment`` value declares the hyperparameters
and metrics, and each run that holds an ``_hparams_/session_start_info`` value is one session
with its hyperparameter values. A metric's value is the last point of the scalar tag it names, in
the session's run, or in its sub-run ``<session>/<group>`` when the metric has a group (how
TensorBoard resolves it, and how Keras' hparams callback writes ``train``/``validation``).

Where writers differ:

* TF's ``hparams`` API (and tensorboard's ``summary_v2`` helpers) put the session in the training
  run itself and usually one experiment at the logdir root.
* torch's ``SummaryWriter.add_hparams`` and tensorboardX's write a whole extra run
  ``<writer dir>/<name>`` holding the experiment, the session and the metric values as scalars,
  next to the writer's real run. Shown as is, every training run would appear twice (once without
  hyperparameters, once without curves), so such a sub-run is *folded* into its parent: the row
  is named after the parent run and stands for the parent and everything under it.
* torch and tensorboardX write one experiment per session; TensorBoard keeps only the first it
  finds. Here the experiments are merged (hyperparameters and metrics in first-seen order), so a
  sweep whose runs logged different hyperparameter sets still shows every column.

Pure: reads runs (tui.model.run.Run) and returns immutable data; no terminal, no Textual.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from tui.tfevents.proto import hparams_pb2

if TYPE_CHECKING:
    from tui.model.run import Run

__all__ = [
    "EXPERIMENT_TAG",
    "SESSION_END_TAG",
    "SESSION_START_TAG",
    "Column",
    "HParamsTable",
    "Session",
    "Value",
    "collect",
    "filter_problems",
    "filter_sessions",
    "format_value",
    "runs_regex",
    "sort_sessions",
]

EXPERIMENT_TAG = "_hparams_/experiment"
SESSION_START_TAG = "_hparams_/session_start_info"
SESSION_END_TAG = "_hparams_/session_end_info"

#: A cell's value: a hyperparameter is a string, number or bool; a metric a float; None if absent.
Value = str | float | bool | None

_STATUS = {
    hparams_pb2.STATUS_UNKNOWN: "",
    hparams_pb2.STATUS_SUCCESS: "success",
    hparams_pb2.STATUS_FAILURE: "failure",
    hparams_pb2.STATUS_RUNNING: "running",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One table column. ``key`` is unique: ``run``, ``hparam:<name>`` or ``metric:<group>:<tag>``."""

    key: str
    kind: str  # "run" | "hparam" | "metric"
    name: str  # hparam name or metric tag ("run" for the run column)
    label: str  # what the header shows (display name when the writer gave one)
    group: str = ""  # a metric's sub-run ("" = the session's own run)


RUN_COLUMN = Column("run", "run", "run", "run")


@dataclass(frozen=True, slots=True)
class Session:
    """One row: a run's hyperparameters and the last value of each metric.

    ``run`` is the run the row is shown as (the parent run when a torch/tensorboardX hparams
    sub-run was folded into it); ``session_run`` is the run that holds the session; ``runs`` is
    every run that belongs to the row (``run`` and the runs under it), in logdir order.
    """

    run: str
    session_run: str
    runs: tuple[str, ...]
    hparams: Mapping[str, Value] = field(default_factory=dict)
    metrics: Mapping[str, float] = field(default_factory=dict)  # by metric column key
    metric_steps: Mapping[str, int] = field(default_factory=dict)
    group_name: str = ""
    status: str = ""

    def value(self, column: Column) -> Value:
        if column.kind == "run":
            return self.run
        if column.kind == "hparam":
            return self.hparams.get(column.name)
        return self.metrics.get(column.key)


@dataclass(frozen=True, slots=True)
class HParamsTable:
    """Every session of a logdir, with the columns that describe them (run, hparams, metrics)."""

    columns: tuple[Column, ...] = (RUN_COLUMN,)
    sessions: tuple[Session, ...] = ()
    #: What could not be read (a damaged payload, a value of a type TensorBoard cannot show), per run.
    problems: tuple[str, ...] = ()

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


# -- reading -------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _plugin_data(content: bytes) -> hparams_pb2.HParamsPluginData | None:
    """Parse once per distinct content (every refresh re-reads the same few blobs)."""
    try:
        return hparams_pb2.HParamsPluginData.FromString(content)
    except Exception:  # a damaged or foreign payload: no session, never an error
        return None


def _data(run: Run, tag: str, problems: list[str], name: str) -> hparams_pb2.HParamsPluginData | None:
    md = run.metadata.get(tag)
    if md is None or md.plugin != "hparams":
        return None
    data = _plugin_data(md.content)
    if data is None:
        problems.append(f"{name}: {tag} is not a readable hparams payload")
    return data


def _proto_value(v: object) -> Value:
    kind = v.WhichOneof("kind")  # type: ignore[attr-defined]
    if kind == "number_value":
        return float(v.number_value)  # type: ignore[attr-defined]
    if kind == "string_value":
        return str(v.string_value)  # type: ignore[attr-defined]
    if kind == "bool_value":
        return bool(v.bool_value)  # type: ignore[attr-defined]
    return None


def _odd_values(name: str, info: hparams_pb2.SessionStartInfo) -> list[str]:
    """Hyperparameters whose value is a list, a struct or null: TensorBoard shows only numbers,
    strings and bools, so these cells stay empty and say why here."""
    out = []
    for h, v in sorted(info.hparams.items()):
        kind = v.WhichOneof("kind")
        if kind not in ("number_value", "string_value", "bool_value"):
            what = {"list_value": "a list", "struct_value": "a struct"}.get(kind or "", "empty")
            out.append(f"{name}: hparam {h} is {what}, not a number, string or bool")
    return out


def metric_run(session_run: str, group: str) -> str:
    """The run holding a metric of ``group`` for a session (TensorBoard: normpath(session/group))."""
    if not group:
        return session_run
    if session_run in ("", "."):
        return group
    return f"{session_run}/{group}"


def _parent(name: str) -> str | None:
    return name.rsplit("/", 1)[0] if "/" in name else ("." if name != "." else None)


def _is_hparams_only(run: Run) -> bool:
    """A run that holds nothing but hparams values and scalars: what torch's and tensorboardX's
    ``add_hparams`` write in their extra sub-run."""
    if run.histograms or run.graphs:
        return False
    return all(b.plugin == "hparams" for b in run.blobs.values())


def collect(runs: Mapping[str, Run]) -> HParamsTable:
    """Sessions and columns of every run in ``runs`` (a logdir's ``runs``, in display order)."""
    names = list(runs)
    hparam_cols: dict[str, Column] = {}
    metric_cols: dict[str, Column] = {}
    starts: list[tuple[str, hparams_pb2.SessionStartInfo]] = []
    ends: dict[str, hparams_pb2.SessionEndInfo] = {}
    problems: list[str] = []
    for name in names:
        run = runs[name]
        if not run.metadata.keys() & {EXPERIMENT_TAG, SESSION_START_TAG, SESSION_END_TAG}:
            continue
        exp = _data(run, EXPERIMENT_TAG, problems, name)
        if exp is not None and exp.HasField("experiment"):
            for h in exp.experiment.hparam_infos:
                key = f"hparam:{h.name}"
                if key not in hparam_cols:
                    hparam_cols[key] = Column(key, "hparam", h.name, h.display_name or h.name)
            for m in exp.experiment.metric_infos:
                key = f"metric:{m.name.group}:{m.name.tag}"
                if key not in metric_cols:
                    label = m.display_name or (f"{m.name.group}/{m.name.tag}" if m.name.group else m.name.tag)
                    metric_cols[key] = Column(key, "metric", m.name.tag, label, m.name.group)
        start = _data(run, SESSION_START_TAG, problems, name)
        if start is not None and start.HasField("session_start_info"):
            starts.append((name, start.session_start_info))
            problems.extend(_odd_values(name, start.session_start_info))
        end = _data(run, SESSION_END_TAG, problems, name)
        if end is not None and end.HasField("session_end_info"):
            ends[name] = end.session_end_info

    # Hyperparameters a session sets but no experiment declares still get a column.
    for _, info in starts:
        for h in sorted(info.hparams):
            key = f"hparam:{h}"
            if key not in hparam_cols:
                hparam_cols[key] = Column(key, "hparam", h, h)
    # Without any experiment, every scalar of the session runs is a metric (as TensorBoard infers).
    if not metric_cols:
        for name, _ in starts:
            for tag in runs[name].scalars:
                key = f"metric::{tag}"
                if key not in metric_cols:
                    metric_cols[key] = Column(key, "metric", tag, tag)

    display = _fold(runs, [n for n, _ in starts])
    sessions: list[Session] = []
    for name, info in starts:
        shown = display[name]
        metrics: dict[str, float] = {}
        msteps: dict[str, int] = {}
        for col in metric_cols.values():
            mrun = runs.get(metric_run(name, col.group))
            series = mrun.scalars.get(col.name) if mrun is not None else None
            last = series.last() if series is not None else None
            if last is not None:
                msteps[col.key], metrics[col.key] = last
        hp = {k: _proto_value(v) for k, v in info.hparams.items()}
        end = ends.get(name)
        sessions.append(
            Session(
                run=shown,
                session_run=name,
                runs=_members(names, shown, name),
                hparams=hp,
                metrics=metrics,
                metric_steps=msteps,
                group_name=info.group_name,
                status=_STATUS.get(end.status, "") if end is not None else "",
            )
        )
    return HParamsTable(
        (RUN_COLUMN, *hparam_cols.values(), *metric_cols.values()), tuple(sessions), tuple(problems)
    )


def _fold(runs: Mapping[str, Run], session_runs: Sequence[str]) -> dict[str, str]:
    """Map each session run to the run its row is shown as.

    A session run folds into its parent when it is an ``add_hparams`` sub-run (nothing but hparams
    values and scalars), the parent is a run that holds no session of its own, and no other
    session folds into the same parent (two ``add_hparams`` calls on one writer stay two rows).
    """
    has_session = set(session_runs)
    candidates: dict[str, list[str]] = {}
    for name in session_runs:
        parent = _parent(name)
        if (
            parent is not None
            and parent in runs
            and parent not in has_session
            and _is_hparams_only(runs[name])
        ):
            candidates.setdefault(parent, []).append(name)
    out = {name: name for name in session_runs}
    for parent, children in candidates.items():
        if len(children) == 1:
            out[children[0]] = parent
    return out


def _members(names: Sequence[str], shown: str, session_run: str) -> tuple[str, ...]:
    if shown == ".":
        return tuple(n for n in names if n in (".", session_run))
    prefix = shown + "/"
    return tuple(n for n in names if n in (shown, session_run) or n.startswith(prefix))


# -- presenting ----------------------------------------------------------------------------------


def format_value(v: Value) -> str:
    """A cell as text: numbers in the shortest form that keeps 6 significant digits."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.6g}"
    return str(v)


def _sort_key(v: Value) -> tuple[int, float, str]:
    # Numbers (and bools) before strings; NaN after the numbers; strings case-insensitively.
    if isinstance(v, bool):
        return (0, float(v), "")
    if isinstance(v, float):
        return (1, 0.0, "") if math.isnan(v) else (0, v, "")
    return (2, 0.0, str(v).casefold())


def sort_sessions(sessions: Iterable[Session], column: Column, descending: bool = False) -> list[Session]:
    """Sessions ordered by ``column``; rows without a value always come last, in either direction.
    Ties keep the given order (the sort is stable), so sorting by a second column refines."""
    present = [s for s in sessions if s.value(column) is not None]
    missing = [s for s in sessions if s.value(column) is None]
    present.sort(key=lambda s: _sort_key(s.value(column)), reverse=descending)
    return present + missing


# -- filtering -----------------------------------------------------------------------------------

_TERM = re.compile(r"^(?P<col>[^<>=!]+?)\s*(?P<op><=|>=|!=|==|=|<|>)\s*(?P<val>.*)$")
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
    "=": operator.eq,
    "==": operator.eq,
    "!=": operator.ne,
}


def _find_column(columns: Sequence[Column], name: str) -> Column | None:
    """A column by its label, name or the last ``/`` part of a metric tag, case-insensitively."""
    want = name.strip().casefold()
    for getter in (
        lambda c: c.label,
        lambda c: c.name,
        lambda c: c.name.rsplit("/", 1)[-1],
    ):
        for c in columns:
            if getter(c).casefold() == want:
                return c
    return None


def _to_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _term_predicate(term: str, columns: Sequence[Column]) -> tuple[Callable[[Session], bool] | None, str]:
    m = _TERM.match(term)
    col = _find_column(columns, m.group("col")) if m else None
    if m is None or col is None:
        if m is not None and any(ch in term for ch in "<>"):
            return None, f"no column {m.group('col').strip()!r}"
        needle = term.casefold()

        def contains(s: Session) -> bool:
            return any(needle in format_value(s.value(c)).casefold() for c in columns)

        return contains, ""
    op, raw = m.group("op"), m.group("val").strip()
    num = _to_float(raw)
    fn = _OPS[op]
    if op in ("<", ">", "<=", ">=") and num is None:
        return None, f"{raw!r} is not a number"

    def compare(s: Session) -> bool:
        v = s.value(col)
        if v is None:
            return op == "!="
        if num is not None and isinstance(v, float | bool):
            return fn(float(v), num)
        if op in ("=", "=="):
            return format_value(v).casefold() == raw.casefold()
        if op == "!=":
            return format_value(v).casefold() != raw.casefold()
        return False

    return compare, ""


def filter_sessions(sessions: Iterable[Session], columns: Sequence[Column], query: str) -> list[Session]:
    """Sessions matching every whitespace-separated term of ``query``.

    A term is ``column<op>value`` (op one of ``= == != < > <= >=``; numeric when the value is a
    number, else a case-insensitive text comparison) or plain text found (case-insensitively) in
    any cell of the row. A comparison on an unknown column is ignored (see :func:`filter_problems`).
    """
    preds = [p for p, _ in (_term_predicate(t, columns) for t in query.split()) if p is not None]
    return [s for s in sessions if all(p(s) for p in preds)]


def filter_problems(columns: Sequence[Column], query: str) -> list[str]:
    """Why terms of ``query`` were ignored (unknown columns, non-numeric bounds)."""
    return [why for _, why in (_term_predicate(t, columns) for t in query.split()) if why]


def runs_regex(runs: Iterable[str]) -> str:
    """A run-filter regex (TensorBoard's search semantics) matching exactly these runs and the
    runs under them, e.g. ``^(?:runs/lr_0\\.1)(?:/|$)``; empty input gives an empty filter."""
    names = sorted(set(runs))
    if not names:
        return ""
    return "^(?:" + "|".join(re.escape(n) for n in names) + ")(?:/|$)"
