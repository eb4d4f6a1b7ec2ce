"""The one tick system: tick values and labels per axis kind, fitting and placing labels."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from tui.render.chart import ChartSeries, render_chart
from tui.render.distribution import render_distribution
from tui.render.ridgeline import render_ridgeline
from tui.render.ticks import axis_rows, axis_ticks, fitting_ticks, place_labels


def test_axis_ticks_per_kind():
    assert axis_ticks(0.0, 1.0, 3) == ([0.0, 0.5, 1.0], ["0", "0.5", "1"])
    assert axis_ticks(-3.4, 5.5, 10)[0] == [-3, -2, -1, 0, 1, 2, 3, 4, 5]
    assert axis_ticks(0.0, 40000.0, 3) == ([0.0, 20000.0, 40000.0], ["0", "20k", "40k"])
    assert axis_ticks(1.5e6, 2.0e6, 2)[1] == ["1.5M", "2M"]
    assert axis_ticks(0.0, 3.0, 10, "step") == ([0.0, 1.0, 2.0, 3.0], ["0", "1", "2", "3"])
    assert axis_ticks(0.0, 120.0, 3, "relative")[1] == ["0s", "1m", "2m"]
    assert axis_ticks(1.0, 1000.0, 5, "log")[1] == ["1", "10", "100", "1k"]
    assert axis_ticks(float("nan"), 1.0, 5) == ([], [])


def test_one_range_reads_the_same_on_every_axis():
    """Values 0..5000 read "2k 4k" on a scalar chart and "2000 4000" under a histogram: one rule now.

    Values are written compactly everywhere; steps stay exact below 10,000 on every x axis.
    """
    xy = np.array([0.0, 5000.0])
    chart = render_chart([ChartSeries("a", xy, xy)], 60, 20)
    hist = render_ridgeline(np.ones((2, 10)), [0, 1], 60, 10, value_range=(0.0, 5000.0))
    y_labels = {line.plain.split("┤")[0].strip() for line in chart.lines if "┤" in line.plain}
    assert "4k" in y_labels and "4k" in hist[-1].plain.split() and "4000" not in hist[-1].plain
    dist = render_distribution(xy, np.zeros((2, 9)), 60, 10, x_mode="step")
    assert chart.lines[-1].plain.split()[-2:] == dist[-1].plain.split()[-2:] == ["4000", "5000"]


def test_fitting_ticks_keep_labels_apart():
    ticks, labels = fitting_ticks(0.0, 100.0, 20)
    cols = [int(t / 100 * 19.999) for t in ticks]
    assert len(ticks) >= 2
    assert all(b - a >= max(map(len, labels)) + 2 for a, b in pairwise(cols))
    assert fitting_ticks(1.0, 1.0, 20) == ([], [])


def test_place_labels_centres_shifts_and_skips():
    line = place_labels([0, 5, 9], ["0", "50", "100"], 10)
    assert len(line) == 10 and line.startswith("0") and "50" in line
    assert place_labels([0, 1], ["abc", "def"], 10) == "abc       "  # the second would touch the first


def test_axis_rows_marks_and_sizes():
    axis, labels = axis_rows(0.0, 10.0, 11, 1, 12, corner="└", marker=5)
    assert axis.plain[0] == "└" and axis.plain[6] == "▲" and len(axis.plain) == len(labels.plain) == 12
