"""`tbtui plot --kind pr`: the app's PR chart on stdout, for the corpus and for torch/tensorboardX logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.model.logdir import Logdir
from tui.model.pr_curves import read_pr_curves
from tui.render.chart import color_for
from tui.render.pr_chart import PrLine, render_pr_chart

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_pr_prints_the_apps_chart_at_each_runs_newest_step(capsys) -> None:
    code, out, err = run_cli(
        capsys, "plot", str(CORPUS / "tbx"), "--kind", "pr", "--tag", "pr", "--width", "60", "--height", "14"
    )
    assert code == 0 and err == ""
    ld = Logdir(str(CORPUS / "tbx")).load_all()
    runs = ["exp/adam_lr1e-2", "exp/sgd_lr1e-1"]
    order = list(ld.runs)
    lines = []
    for name in runs:
        series = read_pr_curves(ld.runs[name])["val/pr"]
        lines.append(PrLine(name, series.curves[-1], color_for(order.index(name))))
    want = render_pr_chart(lines, 60, 14, title="val/pr").lines
    assert out.splitlines() == [t.plain.rstrip() for t in want] or out.splitlines() == [t.plain for t in want]
    assert "● exp/adam_lr1e-2" in out


def test_pr_step_and_run_filter_and_nothing_matched(capsys, written) -> None:
    code, out, _ = run_cli(
        capsys, "plot", str(written.logdir), "--kind", "pr", "--tag", "pr/val", "--step", "0", "--height=10"
    )
    assert code == 0 and out.startswith("pr/val")
    assert out.splitlines()[0].rstrip() == "pr/val  (y precision, x recall)"  # the axes have no titles
    assert out.count("\n") == 10
    code, out, err = run_cli(capsys, "plot", str(written.logdir), "--kind", "pr", "--tag", "nothing")
    assert code == 3 and out == "" and "no PR curves match" in err
