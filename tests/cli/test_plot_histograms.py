"""`tbtui plot --kind histogram|distribution` as a script uses it: output, exit codes, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tui.cli import main
from tui.model.histograms import PackedHistograms, distribution, global_range, rebin, widen_range
from tui.model.logdir import Logdir
from tui.render.distribution import render_distribution
from tui.render.ridgeline import render_ridgeline
from tui.tfevents.writer import EventFileWriter

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_histogram_prints_the_apps_ridgeline_exactly(capsys):
    code, out, err = run_cli(
        capsys,
        "plot",
        str(CORPUS / "tf2"),
        "--tag",
        "^dense/kernel",
        "--kind",
        "histogram",
        "--width",
        "60",
        "--height",
        "12",
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert "\x1b" not in out  # not a terminal: no colour
    assert len(lines) == 1 + 12 + 1
    assert lines[0].split() == ["■", "keras/train", "dense/kernel/histogram", "3", "steps"]
    snap = (
        Logdir(str(CORPUS / "tf2"))
        .load_all()
        .runs["keras/train"]
        .histograms["dense/kernel/histogram"]
        .snapshot()
    )
    packed = PackedHistograms(snap.rows, snap.offsets)
    lo, hi = widen_range(*global_range(packed))
    expected = render_ridgeline(rebin(packed, lo, hi), snap.steps, 60, 12, value_range=(lo, hi))
    assert [line.rstrip() for line in lines[1:13]] == [t.plain.rstrip() for t in expected]
    assert lines[13].split()[:4] == ["latest", "2", "min", "-0.4095"]
    assert "count 576" in lines[13]


def test_distribution_every_matching_run_with_x_modes(capsys):
    logdir = str(CORPUS / "torch_mnist_like")
    code, out, _ = run_cli(
        capsys,
        "plot",
        logdir,
        "--tag",
        "fc1.bias",
        "--run",
        "^runs/lr",
        "--kind",
        "distribution",
        "--width",
        "70",
    )
    assert code == 0
    titles = [line.split()[1:3] for line in out.splitlines() if line.startswith("■")]
    # Tags in TensorBoard's order, then runs in the logdir's.
    assert titles == [
        ["runs/lr_0.01", "grads/fc1.bias"],
        ["runs/lr_0.1", "grads/fc1.bias"],
        ["runs/lr_0.01", "weights/fc1.bias"],
        ["runs/lr_0.1", "weights/fc1.bias"],
    ]
    block = out.split("\n\n")[0].splitlines()
    assert len(block) == 1 + 20 + 1  # default height 20
    snap = Logdir(logdir).load_all().runs["runs/lr_0.01"].histograms["grads/fc1.bias"].snapshot()
    pct = distribution(PackedHistograms(snap.rows, snap.offsets))
    expected = render_distribution(snap.steps.astype(float), pct, 70, 20, x_mode="step")
    assert [line.rstrip() for line in block[1:21]] == [t.plain.rstrip() for t in expected]
    assert block[21].startswith("latest 299  max ")

    code, out, _ = run_cli(
        capsys,
        "plot",
        logdir,
        "--tag",
        "^weights/fc1.bias$",
        "--run",
        "lr_0.1$",
        "--kind",
        "distribution",
        "--x",
        "relative",
    )
    labels = out.splitlines()[-2].split()
    # Seconds since the series' first point (the x-axis rule every chart follows).
    assert code == 0 and all(label.endswith("s") for label in labels) and labels[0] == "0s"


def test_one_step_and_hostile_names(capsys, tmp_path):
    with EventFileWriter(str(tmp_path / "r\x1b[2J"), legacy=True) as w:
        w.add_histogram("bad\x07tag", np.arange(100.0), step=3)
    for kind in ("histogram", "distribution"):
        code, out, _ = run_cli(capsys, "plot", str(tmp_path), "--tag", "bad", "--kind", kind, "--width", "40")
        assert code == 0
        assert "\x1b" not in out and "\x07" not in out
        assert "bad\\x07tag" in out.splitlines()[0] and "1 step" in out.splitlines()[0]
        assert out.splitlines()[-1].startswith("latest 3 ")


def test_errors_are_one_line_with_exit_codes(capsys, tmp_path):
    corpus = str(CORPUS / "tf2")
    code, out, err = run_cli(capsys, "plot", corpus, "--tag", "nothing-like-this", "--kind", "histogram")
    assert (code, out) == (3, "") and err.strip().count("\n") == 0 and "no histogram series" in err
    code, _, err = run_cli(capsys, "plot", corpus, "--tag", "(", "--kind", "distribution")
    assert code == 2 and "bad regex" in err
    code, _, err = run_cli(capsys, "plot", corpus, "--tag", ".", "--kind", "histogram", "--height", "2")
    assert code == 2 and "--height" in err
    code, _, err = run_cli(capsys, "plot", str(tmp_path / "missing"), "--tag", ".", "--kind", "histogram")
    assert code == 2 and "not found" in err
    # Scalar-only logdir: nothing to plot is "nothing matched", not a crash.
    with EventFileWriter(str(tmp_path / "s" / "run")) as w:
        w.add_scalar("loss", 1.0, 0)
    code, _, err = run_cli(capsys, "plot", str(tmp_path / "s"), "--tag", ".", "--kind", "histogram")
    assert code == 3


def test_colour_only_on_a_terminal_without_no_color(capsys, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, _ = run_cli(
        capsys, "plot", str(CORPUS / "tf2"), "--tag", "^dense/bias", "--kind", "histogram", "--width", "50"
    )
    assert code == 0 and "\x1b[" in out
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run_cli(
        capsys, "plot", str(CORPUS / "tf2"), "--tag", "^dense/bias", "--kind", "histogram", "--width", "50"
    )
    assert code == 0 and "\x1b" not in out
