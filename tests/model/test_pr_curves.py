"""PR curves: our decoding against TensorBoard's pr_curves plugin on torch, tensorboardX and TF files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tui.model.logdir import Logdir
from tui.model.pr_curves import pr_curve, pr_curve_tags, read_pr_curves


def _tensorboards(Oracle, logdir: Path, run: str, tag: str) -> list[dict]:
    from tensorboard.plugins.pr_curve import pr_curves_plugin

    o = Oracle(logdir)
    return pr_curves_plugin.PrCurvesPlugin(o.tb).pr_curves_impl(o.ctx(), "", [run], tag)[run]


def _assert_same(ours, theirs: list[dict]) -> None:
    assert [c.step for c in ours.curves] == [e["step"] for e in theirs]
    for c, e in zip(ours.curves, theirs, strict=True):
        assert c.wall_time == pytest.approx(e["wall_time"])
        np.testing.assert_array_equal(c.thresholds, e["thresholds"])
        np.testing.assert_array_equal(c.precision, e["precision"])
        np.testing.assert_array_equal(c.recall, e["recall"])
        for name, key in (("tp", "true_positives"), ("fp", "false_positives")):
            np.testing.assert_array_equal(getattr(c, name), e[key])
        np.testing.assert_array_equal(c.tn, e["true_negatives"])
        np.testing.assert_array_equal(c.fn, e["false_negatives"])


@pytest.mark.parametrize("tag", ["pr/val", "pr/raw"])
def test_torch_and_tensorboardx_curves_match_tensorboard(written, oracle, tag: str) -> None:
    run = Logdir(str(written.logdir)).load_all().runs["."]
    assert pr_curve_tags(run) == ["pr/raw", "pr/val"]
    ours = read_pr_curves(run)[tag]
    assert not ours.problems
    _assert_same(ours, _tensorboards(oracle, written.logdir, ".", tag))


def test_raw_form_keeps_what_was_given_and_trims_the_empty_tail(written) -> None:
    run = Logdir(str(written.logdir)).load_all().runs["."]
    series = read_pr_curves(run)["pr/raw"]
    assert series.num_thresholds == 4
    (curve,) = series.curves
    assert curve.step == 4
    # The last threshold has TP + FP == 0: TensorBoard drops it.
    assert len(curve) == 3
    assert curve.tp.tolist() == [10, 8, 5] and curve.fn.tolist() == [0, 2, 5]
    p = curve.point(1)
    assert (p.threshold, p.tp, p.fp, p.tn, p.fn) == (pytest.approx(1 / 3), 8, 5, 15, 2)
    assert p.precision == pytest.approx(8 / 13) and p.recall == pytest.approx(0.8)


def test_tensorflow_pr_curve_op_matches_tensorboard(oracle, tb_native: Path) -> None:
    run = Logdir(str(tb_native)).load_all().runs["v1_pb"]
    ours = read_pr_curves(run)["pr/pr_curves"]
    assert len(ours.curves) == 10
    _assert_same(ours, _tensorboards(oracle, tb_native, "v1_pb", "pr/pr_curves"))


def test_slider_picks_the_step_at_or_before() -> None:
    data = np.zeros((6, 3), np.float32)
    data[0] = [3, 2, 1]
    from tui.model.pr_curves import PrCurveSeries

    s = PrCurveSeries("t", 3, (pr_curve(10, 0.0, data), pr_curve(20, 1.0, data)))
    assert s.at_step(15).step == 10 and s.at_step(25).step == 20 and s.at_step(0).step == 10
    assert s.curves[0].nearest_to_recall(0.0) == 0


@pytest.mark.parametrize(
    "bad", [np.zeros((5, 3)), np.zeros(6), np.zeros((6, 0)), np.array([[b"x"] * 3] * 6, dtype=object)]
)
def test_a_bad_tensor_is_a_problem_not_a_crash(bad: np.ndarray) -> None:
    from tui.model.payloads import BlobSeries
    from tui.model.pr_curves import curves_of

    s = BlobSeries("pr_curves")
    s.append(1, 0.0, bad)
    s.append(2, 0.0, np.ones((6, 2), np.float32))
    out = curves_of("t", s)
    assert [c.step for c in out.curves] == [2]
    assert len(out.problems) == 1 and "step 1" in out.problems[0]


def test_all_empty_curve_keeps_its_first_threshold() -> None:
    c = pr_curve(0, 0.0, np.zeros((6, 5), np.float32))
    assert len(c) == 1 and c.thresholds.tolist() == [0.0]


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.float32,
        st.tuples(st.just(6), st.integers(1, 12)),
        elements=st.one_of(st.just(0.0), st.floats(0, 1e6, width=32)),
    )
)
def test_any_tensor_decodes_as_tensorboards_make_pr_entry(data: np.ndarray) -> None:
    from tensorboard.plugins.pr_curve import pr_curves_plugin

    theirs = pr_curves_plugin.PrCurvesPlugin._make_pr_entry(None, 5, 1.5, data)
    ours = pr_curve(5, 1.5, data)
    assert ours.thresholds.tolist() == theirs["thresholds"]
    assert ours.precision.tolist() == theirs["precision"] and ours.recall.tolist() == theirs["recall"]
    assert ours.tp.tolist() == theirs["true_positives"] and ours.fn.tolist() == theirs["false_negatives"]
    assert ours.fp.tolist() == theirs["false_positives"] and ours.tn.tolist() == theirs["true_negatives"]
