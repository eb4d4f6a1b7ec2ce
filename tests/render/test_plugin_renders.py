"""Renderers of the other dashboards: exact size, what lands where, colours from the palette."""

from __future__ import annotations

import numpy as np
import pytest
from rich.style import Style

from tui.model.mesh import VIEWS
from tui.model.pr_curves import pr_curve
from tui.render.braille import BRAILLE_BASE
from tui.render.chart import RUN_COLORS
from tui.render.parallel_coords import normalise_axis, render_parallel_coords
from tui.render.point_cloud import render_point_cloud
from tui.render.pr_chart import PrLine, pr_readout, render_pr_chart
from tui.render.scatter import axis_values, nearest_point, render_embedding, render_hparam_scatter
from tui.render.waveform import render_waveform

SIZES = [(0, 0), (1, 1), (3, 2), (12, 5), (80, 24)]


def _painted(line) -> list[int]:
    return [i for i, ch in enumerate(line.plain) if BRAILLE_BASE < ord(ch) <= BRAILLE_BASE + 0xFF]


def _colors(line) -> set[str]:
    out = set()
    for span in line.spans:
        st = span.style if isinstance(span.style, Style) else Style.parse(str(span.style))
        if st.color is not None:
            out.add(st.color.name.lower() if st.color.name.startswith("#") else st.color.name)
    return out


def _curve():
    # 4 thresholds; TP/FP fall as the threshold rises.
    data = np.array(
        [
            [50, 40, 20, 0],
            [50, 10, 0, 0],
            [0, 40, 50, 50],
            [0, 10, 30, 50],
            [0.5, 0.8, 1.0, 0.0],
            [1.0, 0.8, 0.4, 0.0],
        ],
        np.float32,
    )
    return pr_curve(3, 0.0, data)


def _exact(lines, width: int, height: int) -> None:
    assert len(lines) == height
    assert all(line.cell_len == width for line in lines), [line.cell_len for line in lines]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_renderer_fills_exactly_its_box(width: int, height: int) -> None:
    _exact(render_pr_chart([PrLine("a", _curve())], width, height, cursor_recall=0.5).lines, width, height)
    wave = np.sin(np.linspace(0, 20, 1000))
    _exact(render_waveform(wave, width, height, sample_rate=1000), width, height)
    cloud = np.random.default_rng(0).normal(size=(50, 3))
    _exact(render_point_cloud(cloud, width, height, faces=np.array([[0, 1, 2]])), width, height)
    _exact(render_embedding(cloud[:, :2], ["a"] * 50, width, height, cursor=3).lines, width, height)
    _exact(
        render_hparam_scatter(["adam", "sgd"], [0.1, 0.2], ["r1", "r2"], width, height).lines, width, height
    )
    axes = [normalise_axis("lr", [0.1, 0.01]), normalise_axis("acc", [0.8, 0.9])]
    _exact(render_parallel_coords(axes, ["r1", "r2"], width, height), width, height)


def test_pr_chart_draws_precision_against_recall_with_a_cursor_readout() -> None:
    curve = _curve()
    chart = render_pr_chart([PrLine("run", curve, "#ff0000")], 60, 16, cursor_recall=0.75)
    (p,) = chart.points
    assert (p.index, p.threshold, p.precision, p.recall, p.tp, p.fp, p.tn, p.fn) == (
        1,
        pytest.approx(1 / 3),
        pytest.approx(0.8),
        pytest.approx(0.8),
        40,
        10,
        40,
        10,
    )
    c = chart.chart
    assert c.x_range == (0.0, 1.0) and c.y_range == (0.0, 1.0)
    assert "step" not in c.plain() and c.lines[-1].plain.split()[0] == "0"
    plot = c.lines[c.plot_top : c.plot_top + c.plot_height]
    # Precision 1.0 at recall 0.4 reaches the top row; the line is the run's colour.
    assert _painted(plot[0]) and "#ff0000" in set().union(*(_colors(ln) for ln in plot))
    text = pr_readout("run", p, 70).plain
    assert text.split() == [
        "●",
        "run",
        "thr",
        "0.333",
        "P",
        "0.8",
        "R",
        "0.8",
        "TP",
        "40",
        "FP",
        "10",
        "TN",
        "40",
        "FN",
        "10",
    ]
    assert len(pr_readout("run", p, 20).plain) == 20


def test_pr_chart_keeps_a_place_for_a_run_without_a_curve() -> None:
    chart = render_pr_chart([PrLine("none", None), PrLine("b", _curve())], 50, 12, cursor_recall=0.1)
    assert chart.points[0] is None and chart.points[1].index == 2


def test_waveform_bands_and_time_axis() -> None:
    t = np.arange(8000) / 8000
    # 440 Hz: every pixel column (100 samples) holds a whole period, so the envelope spans [-1, 1].
    stereo = np.stack([np.sin(2 * np.pi * 440 * t), np.zeros_like(t)], axis=1)
    lines = render_waveform(stereo, 40, 9, sample_rate=8000, color="#00ff00")
    assert lines[-1].plain.split() == ["0s", "0.5s", "1s"]
    top, bottom = lines[:4], lines[4:8]
    assert all(len(_painted(ln)) == 40 for ln in top)
    # The silent channel is one flat line in the middle of its band.
    rows_with_ink = [i for i, ln in enumerate(bottom) if _painted(ln)]
    assert len(rows_with_ink) == 1 and len(_painted(bottom[rows_with_ink[0]])) == 40
    assert _colors(top[1]) == {"#00ff00"}
    with_cursor = render_waveform(stereo, 40, 9, sample_rate=8000, cursor_seconds=0.5)
    assert with_cursor[-1].spans  # the playback position is marked on the axis


def test_point_cloud_turns_and_keeps_vertex_colours() -> None:
    line = np.array([[x, 0.0, 0.0] for x in np.linspace(-1, 1, 40)])
    front = render_point_cloud(line, 30, 10, *(), yaw=VIEWS["front"][0], pitch=VIEWS["front"][1])
    side = render_point_cloud(line, 30, 10, yaw=VIEWS["side"][0], pitch=VIEWS["side"][1])
    cols_front = set().union(*(set(_painted(ln)) for ln in front))
    cols_side = set().union(*(set(_painted(ln)) for ln in side))
    assert len(cols_front) > 15 and len(cols_side) == 1  # seen end-on, the line is a dot
    red = np.tile([255, 0, 0], (40, 1))
    coloured = render_point_cloud(line, 30, 10, colors=red)
    assert set().union(*(_colors(ln) for ln in coloured)) == {"#ff0000"}
    plain = render_point_cloud(line, 30, 10)
    assert set().union(*(_colors(ln) for ln in plain)) == {RUN_COLORS[0]}


def test_point_cloud_wireframe_adds_edges_and_nearest_colour_wins() -> None:
    tri = np.array([[-1.0, -1.0, 0.0], [1.0, -1.0, 0.0], [0.0, 1.0, 0.0]])
    dots = sum(len(_painted(ln)) for ln in render_point_cloud(tri, 30, 12))
    wire = sum(
        len(_painted(ln)) for ln in render_point_cloud(tri, 30, 12, faces=np.array([[0, 1, 2], [0, 0, 9]]))
    )
    assert wire > 3 * dots
    # Two points in one cell: the nearer (larger z) decides the colour.
    pair = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, -1.0], [5.0, 5.0, 0.0], [-5.0, -5.0, 0.0]])
    colors = np.array([[0, 0, 255], [255, 0, 0], [0, 255, 0], [0, 255, 0]])
    out = render_point_cloud(pair, 30, 12, colors=colors)
    middle = [ln for ln in out if _painted(ln) and len(_painted(ln)) == 1 and "#0000ff" in _colors(ln)]
    assert middle and not any("#ff0000" in _colors(ln) for ln in out)


def test_embedding_scatter_colours_by_label_frequency() -> None:
    rng = np.random.default_rng(2)
    xy = rng.normal(size=(60, 2))
    labels = ["b"] * 30 + ["a"] * 20 + [f"rare{i}" for i in range(10)]
    chart = render_embedding(xy, labels, 60, 16, max_colors=2, cursor=0)
    legend = chart.lines[0].plain
    assert legend.index("b") < legend.index("a") < legend.index("other")
    used = set().union(*(_colors(ln) for ln in chart.lines[1:]))
    assert {RUN_COLORS[0], RUN_COLORS[1]} <= used
    assert nearest_point(xy, *xy[7]) == 7 and nearest_point(np.zeros((0, 2)), 0, 0) is None


def test_hparam_scatter_categorical_axis_footnote() -> None:
    chart = render_hparam_scatter(
        ["sgd", "adam", None], [0.5, 0.9, 0.7], ["r1", "r2", "r3"], 60, 14, x_label="opt", y_label="acc"
    )
    assert chart.lines[-1].plain.split()[:4] == ["0", "adam", "1", "sgd"]
    assert chart.lines[-2].plain.split() == ["0", "1"]  # ticks only where categories sit
    assert chart.lines[0].plain.startswith("acc against opt")
    assert axis_values([True, False]).categories == ("False", "True")
    assert axis_values([1, 2.5, None]).positions.tolist()[:2] == [1.0, 2.5]


def test_parallel_coords_puts_each_sessions_values_on_its_axes() -> None:
    axes = [
        normalise_axis("lr", [0.1, 0.001, None], log=True),
        normalise_axis("opt", ["adam", "sgd", "adam"]),
        normalise_axis("acc", [0.9, 0.5, 0.7]),
    ]
    assert axes[0].unit[:2].tolist() == [1.0, 0.0] and np.isnan(axes[0].unit[2])
    assert (axes[0].top, axes[0].bottom, axes[1].top, axes[1].bottom) == ("0.1", "0.001", "sgd", "adam")
    lines = render_parallel_coords(axes, ["r1", "r2", "r3"], 40, 12, colors=["#ff0000", "#00ff00", "#0000ff"])
    assert lines[0].plain.split() == ["lr", "opt", "acc"]
    assert lines[1].plain.split() == ["0.1", "sgd", "0.9"] and lines[-1].plain.split() == [
        "0.001",
        "adam",
        "0.5",
    ]
    plot = lines[2:-1]
    # r1 sits at the top of lr and acc: red in the first plot row; r2 (green) at the bottom row.
    assert "#ff0000" in _colors(plot[0]) and "#00ff00" in _colors(plot[-1])
    hl = render_parallel_coords(axes, ["r1", "r2", "r3"], 40, 12, highlight=1)
    assert any("#e0e0e0" in _colors(ln) for ln in hl[2:-1])
    flat = normalise_axis("c", [3.0, 3.0])
    assert flat.unit.tolist() == [0.5, 0.5]


def test_parallel_coordinates_shorten_a_number_rather_than_cut_it():
    """Six axes in 34 columns: lr's low end 0.001 read "0.…" and acc's 0.0372 "0.0…" (a cut number
    says nothing); now "1e-3" and "0.037"."""
    values = {"lr": [0.1, 0.03, 0.001], "batch_size": [32, 64, 128], "acc": [0.0372, 0.5, 0.98746]}
    axes = [normalise_axis(name, vals) for name, vals in values.items()] * 2
    lines = render_parallel_coords(axes, ["a", "b", "c"], 34, 12)
    bottom = lines[-1].plain.split()
    assert bottom[:3] == ["1e-3", "32", "0.037"], bottom
    assert not any(label.endswith("…") and label[:-1].replace(".", "").isdigit() for label in bottom)
