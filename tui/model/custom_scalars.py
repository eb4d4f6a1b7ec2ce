"""Custom scalars: the chart layout a run stores under ``custom_scalars__config__``, and its data.

torch's and tensorboardX's ``add_custom_scalars`` and TF's ``custom_scalar`` summary write one string
tensor holding a serialized ``Layout`` proto (categories of charts; a chart is either a *multiline*
chart of tag regexes or a *margin* chart of value/lower/upper tag triples). TensorBoard's
custom_scalars plugin merges the layouts of every run (runs in sorted order; categories by title,
charts appended unless an equal chart is already there), draws a multiline chart as every scalar tag
of every run that the regex ``re.match``-es (anchored at the start, not the end), and a margin chart as
the value line of each run holding the value tag, with the band between lower and upper. This module
reproduces that as data: :func:`merged_layout`, :func:`multiline_lines`, :func:`margin_bands`.

A layout that does not parse becomes a problem on the layout; a bad regex makes an empty chart with
the reason, as TensorBoard reports an invalid regex instead of failing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from tui.model.run import Run
from tui.model.series import ScalarSeries
from tui.tfevents.proto import plugins_pb2

__all__ = [
    "CONFIG_TAG",
    "CategorySpec",
    "ChartSpec",
    "CustomLayout",
    "MarginBand",
    "MarginSpec",
    "MultilineLine",
    "chart_tags",
    "margin_bands",
    "merged_layout",
    "multiline_lines",
    "parse_layout",
    "run_layout",
]

#: The tag every writer stores the layout under (tensorboard/plugins/custom_scalar/metadata.py).
CONFIG_TAG = "custom_scalars__config__"


@dataclass(frozen=True, slots=True)
class MarginSpec:
    """One band of a margin chart: three exact scalar tags."""

    value: str
    lower: str
    upper: str


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """A chart of the layout: ``tags`` are regexes (multiline), ``margins`` the bands (margin)."""

    title: str
    kind: Literal["multiline", "margin", "empty"]
    tags: tuple[str, ...] = ()
    margins: tuple[MarginSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class CategorySpec:
    title: str
    charts: tuple[ChartSpec, ...]
    closed: bool = False


@dataclass(frozen=True, slots=True)
class CustomLayout:
    """Categories in TensorBoard's order; ``problems`` names layouts that could not be read."""

    categories: tuple[CategorySpec, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(c.charts for c in self.categories)


def _chart(proto: plugins_pb2.Chart) -> ChartSpec:
    kind = proto.WhichOneof("content")
    if kind == "multiline":
        return ChartSpec(proto.title, "multiline", tags=tuple(proto.multiline.tag))
    if kind == "margin":
        margins = tuple(MarginSpec(s.value, s.lower, s.upper) for s in proto.margin.series)
        return ChartSpec(proto.title, "margin", margins=margins)
    return ChartSpec(proto.title, "empty")


@lru_cache(maxsize=64)
def parse_layout(data: bytes) -> CustomLayout:
    """One serialized Layout; raises ValueError when the bytes are not one."""
    try:
        proto = plugins_pb2.Layout.FromString(bytes(data))
    except Exception as e:
        raise ValueError(f"damaged custom scalars layout: {e}") from e
    return CustomLayout(
        tuple(CategorySpec(c.title, tuple(_chart(ch) for ch in c.chart), c.closed) for c in proto.category)
    )


def _layout_bytes(item: object) -> bytes | None:
    arr = np.asarray(item, dtype=object) if not isinstance(item, bytes | bytearray) else None
    if arr is None:
        return bytes(item)  # type: ignore[arg-type]
    if arr.size == 0:
        return None
    v = arr.reshape(-1)[0]
    if isinstance(v, str):
        return v.encode("utf-8", errors="surrogateescape")
    return bytes(v) if isinstance(v, bytes | bytearray) else None


def run_layout(run: Run) -> CustomLayout | None:
    """The layout ``run`` stores (TensorBoard reads the first one logged), None if it has none."""
    series = run.blobs.get(CONFIG_TAG)
    index = series.snapshot() if series is not None else None
    if index is None or not len(index):
        return None
    item, why = index.try_load(0)  # small: in the payload LRU since it was read, as a rule
    if why is not None:
        return CustomLayout(problems=(f"{run.name}: the custom scalars layout cannot be read again: {why}",))
    raw = _layout_bytes(item)
    if raw is None:
        return CustomLayout(problems=(f"{run.name}: the custom scalars layout is not a string tensor",))
    try:
        return parse_layout(raw)
    except ValueError as e:
        return CustomLayout(problems=(f"{run.name}: {e}",))


def merged_layout(runs: Mapping[str, Run]) -> CustomLayout:
    """Every run's layout merged as TensorBoard merges them (runs in sorted name order)."""
    categories: dict[str, list[ChartSpec]] = {}
    closed: dict[str, bool] = {}
    problems: list[str] = []
    for name in sorted(runs):
        layout = run_layout(runs[name])
        if layout is None:
            continue
        problems.extend(layout.problems)
        for cat in layout.categories:
            if cat.title not in categories:
                categories[cat.title] = list(cat.charts)
                closed[cat.title] = cat.closed
            else:
                have = categories[cat.title]
                have.extend(c for c in cat.charts if c not in have)
    return CustomLayout(
        tuple(CategorySpec(t, tuple(ch), closed[t]) for t, ch in categories.items()), tuple(problems)
    )


@dataclass(frozen=True, slots=True)
class MultilineLine:
    """One line of a multiline chart: a run's tag that a regex of the chart matched."""

    run: str
    tag: str
    series: ScalarSeries


def chart_tags(chart: ChartSpec, tags: list[str]) -> tuple[list[str], list[str]]:
    """The tags (in the given order) any of the chart's regexes matches, and the invalid regexes."""
    regexes: list[re.Pattern[str]] = []
    bad: list[str] = []
    for pattern in chart.tags:
        if not pattern:
            continue
        try:
            regexes.append(re.compile(pattern))
        except re.error as e:
            bad.append(f"invalid regex {pattern!r}: {e}")
    return [t for t in tags if any(r.match(t) for r in regexes)], bad


def multiline_lines(chart: ChartSpec, runs: Mapping[str, Run]) -> tuple[list[MultilineLine], list[str]]:
    """Every (run, tag) a multiline chart draws, runs in the given order, tags sorted within a run;
    and the problems (invalid regexes)."""
    lines: list[MultilineLine] = []
    problems: list[str] = []
    for name, run in runs.items():
        matched, bad = chart_tags(chart, sorted(run.scalars))
        problems = problems or bad
        lines.extend(MultilineLine(name, t, run.scalars[t]) for t in matched)
    return lines, problems


@dataclass(frozen=True, slots=True)
class MarginBand:
    """A margin chart's value line with its band, on the steps all three tags share."""

    run: str
    spec: MarginSpec
    steps: np.ndarray  # int64
    wall_times: np.ndarray  # float64 (the value tag's)
    value: np.ndarray  # float64
    lower: np.ndarray
    upper: np.ndarray


def _last_per_step(s: ScalarSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Steps (sorted, unique; the last value logged at a step wins), their wall times and values."""
    snap = s.snapshot()
    steps, walls, values = snap.steps, snap.wall_times, snap.values
    order = np.argsort(steps, kind="stable")
    steps, walls, values = steps[order], walls[order], values[order]
    last = np.ones(steps.size, dtype=bool)
    last[:-1] = steps[1:] != steps[:-1]
    return steps[last], walls[last], values[last]


def margin_bands(chart: ChartSpec, runs: Mapping[str, Run]) -> list[MarginBand]:
    """For each run holding a margin's three tags, the aligned value/lower/upper columns."""
    out: list[MarginBand] = []
    for spec in chart.margins:
        for name, run in runs.items():
            parts = [run.scalars.get(t) for t in (spec.value, spec.lower, spec.upper)]
            if any(p is None for p in parts):
                continue
            (vs, vw, vv), (ls, _, lv), (us, _, uv) = (_last_per_step(p) for p in parts)  # type: ignore[arg-type]
            common = np.intersect1d(np.intersect1d(vs, ls), us)
            iv, il, iu = (np.searchsorted(s, common) for s in (vs, ls, us))
            out.append(MarginBand(name, spec, common, vw[iv], vv[iv], lv[il], uv[iu]))
    return out
