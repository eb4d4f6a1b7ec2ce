"""Custom scalars: layouts and the lines/bands they select, against TensorBoard's custom_scalars plugin."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tui.model.custom_scalars import (
    CONFIG_TAG,
    ChartSpec,
    chart_tags,
    margin_bands,
    merged_layout,
    multiline_lines,
    run_layout,
)
from tui.model.logdir import Logdir
from tui.model.payloads import BlobSeries
from tui.model.run import Run
from tui.tfevents.proto import plugins_pb2


def _plugin(oracle, logdir: Path):
    from tensorboard.plugins.custom_scalar import custom_scalars_plugin

    o = oracle(logdir)
    return o, custom_scalars_plugin.CustomScalarsPlugin(o.tb)


def _as_json(layout) -> dict:
    """Our layout in the JSON shape TensorBoard's /layout route answers with."""
    cats = []
    for c in layout.categories:
        charts = []
        for ch in c.charts:
            if ch.kind == "multiline":
                charts.append({"title": ch.title, "multiline": {"tag": list(ch.tags)}})
            else:
                series = [{"value": m.value, "lower": m.lower, "upper": m.upper} for m in ch.margins]
                charts.append({"title": ch.title, "margin": {"series": series}})
        cats.append({"title": c.title, "chart": charts, "closed": c.closed})
    return {"category": cats, "version": 0}


def test_layout_matches_tensorboard(written, oracle) -> None:
    ld = Logdir(str(written.logdir)).load_all()
    o, plugin = _plugin(oracle, written.logdir)
    theirs = json.loads(plugin.layout_impl(o.ctx(), ""))
    ours = merged_layout(ld.runs)
    assert _as_json(ours) == theirs
    assert [c.title for c in ours.categories] == ["Losses", "Accuracy"]
    assert ours.categories[1].charts[0].kind == "margin"


def test_multiline_regexes_select_what_tensorboard_selects(written, oracle) -> None:
    ld = Logdir(str(written.logdir)).load_all()
    o, plugin = _plugin(oracle, written.logdir)
    chart = merged_layout(ld.runs).categories[0].charts[0]
    lines, problems = multiline_lines(chart, ld.runs)
    assert not problems
    ours = {(ln.run, ln.tag): ln.series.snapshot() for ln in lines}
    theirs = {}
    for run in o.mux.Runs():
        for regex in chart.tags:
            got = plugin.scalars_impl(o.ctx(), run, regex, "")
            for tag, events in got["tag_to_events"].items():
                theirs[(run, tag)] = events
    assert set(ours) == set(theirs) == {(".", "loss/train"), (".", "loss/val")}
    for key, events in theirs.items():
        assert ours[key].steps.tolist() == [e[1] for e in events]
        np.testing.assert_allclose(ours[key].values, [e[2] for e in events], rtol=1e-7)


def test_margin_band_aligns_value_lower_upper(written) -> None:
    ld = Logdir(str(written.logdir)).load_all()
    chart = merged_layout(ld.runs).categories[1].charts[0]
    (band,) = margin_bands(chart, ld.runs)
    assert band.run == "." and band.steps.tolist() == list(range(6))
    np.testing.assert_allclose(band.value, 0.5 + 0.05 * np.arange(6), rtol=1e-6)
    assert (band.lower < band.value).all() and (band.value < band.upper).all()


def test_tensorflow_custom_scalar_summary_matches_tensorboard(oracle, tb_native: Path) -> None:
    ld = Logdir(str(tb_native)).load_all()
    o, plugin = _plugin(oracle, tb_native)
    assert _as_json(merged_layout(ld.runs)) == json.loads(plugin.layout_impl(o.ctx(), ""))


def _run_with_layout(name: str, layout: plugins_pb2.Layout | bytes) -> Run:
    run = Run(name)
    blob = BlobSeries("custom_scalars")
    data = layout if isinstance(layout, bytes) else layout.SerializeToString()
    blob.append(0, 0.0, np.array(data, dtype=object))
    run.blobs = {CONFIG_TAG: blob}
    return run


def test_layouts_of_several_runs_merge_by_category_title() -> None:
    a = plugins_pb2.Layout()
    cat = a.category.add(title="C")
    cat.chart.add(title="x").multiline.tag.append("x.*")
    b = plugins_pb2.Layout()
    cat = b.category.add(title="C")
    cat.chart.add(title="x").multiline.tag.append("x.*")  # a duplicate: skipped
    cat.chart.add(title="y").multiline.tag.append("y")
    b.category.add(title="D").chart.add(title="z").margin.series.add(value="v", lower="l", upper="u")
    merged = merged_layout({"b": _run_with_layout("b", b), "a": _run_with_layout("a", a)})
    assert [(c.title, [ch.title for ch in c.charts]) for c in merged.categories] == [
        ("C", ["x", "y"]),
        ("D", ["z"]),
    ]


def test_damaged_layout_is_a_problem() -> None:
    run = _run_with_layout("r", b"\xff\xff\xff")
    layout = run_layout(run)
    assert layout is not None and layout.empty and "r:" in layout.problems[0]
    assert merged_layout({"r": run}).problems == layout.problems
    assert run_layout(Run("none")) is None


@pytest.mark.parametrize(
    ("regexes", "expected"), [(("loss",), ["loss", "loss/x"]), (("x",), []), ((".*x$",), ["loss/x"])]
)
def test_regex_matches_at_the_start_like_tensorboard(regexes, expected) -> None:
    tags, bad = chart_tags(ChartSpec("t", "multiline", tags=regexes), ["loss", "loss/x", "acc"])
    assert tags == expected and not bad


def test_invalid_regex_is_reported() -> None:
    tags, bad = chart_tags(ChartSpec("t", "multiline", tags=("(", "a")), ["a", "b"])
    assert tags == ["a"] and "invalid regex" in bad[0]
