"""``tbtui plot``: the app's chart on stdout."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.model.logdir import Logdir
from tui.render.chart import color_for, render_chart_plain
from tui.render.scalar_view import chart_series

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def test_plot_prints_the_same_chart_the_app_draws(capsys: pytest.CaptureFixture[str]) -> None:
    logdir = str(CORPUS / "torch_mnist_like")
    code = main(
        ["plot", logdir, "--tag", "^train/loss$", "--run", r"^runs/lr_0\.", "--width", "70", "--height", "14"]
    )
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].rstrip() == "train/loss"
    assert "● runs/lr_0.01" in lines[1] and "● runs/lr_0.1" in lines[1] and "ablation" not in lines[1]
    assert len(lines) == 14 and all(len(line) <= 70 for line in lines)  # without trailing spaces
    # Same data path as the app: smoothed series over the raw ones, colours by run position.
    ld = Logdir(logdir).load_all()
    names = list(ld.runs)
    series = [
        chart_series(
            n,
            ld.runs[n].scalars["train/loss"].snapshot(),
            color_for(names.index(n)),
            x_mode="step",
            smoothing=0.6,
        )
        for n in ("runs/lr_0.01", "runs/lr_0.1")
    ]
    drawn = render_chart_plain(series, 70, 14, x_mode="step", title="train/loss")
    assert lines == [line.rstrip() for line in drawn.splitlines()]


def test_plot_one_chart_per_tag_in_tensorboard_order(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["plot", str(CORPUS / "torch_mnist_like"), "--tag", "LOSS$", "--width", "60", "--height", "8"]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    titles = [chunk.splitlines()[0].rstrip() for chunk in out.split("\n\n")]
    assert titles == ["hparam/final_train_loss", "loss", "train/loss", "val/loss"]


def test_plot_options_reach_the_chart(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["plot", str(CORPUS / "torch_mnist_like"), "--tag", "^train/lr$", "--run", r"^runs/lr_0\.1$"]
    main([*args, "--width", "60", "--height", "10", "--x", "relative", "--log-y", "--smoothing", "0"])
    out, _ = capsys.readouterr()
    assert out.splitlines()[-1].strip().endswith("s")  # relative-time tick labels


def test_plot_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plot", str(CORPUS / "torch_mnist_like"), "--tag", "no-such-tag"]) == 3
    assert "no scalar series match" in capsys.readouterr().err
    assert main(["plot", str(CORPUS / "torch_mnist_like"), "--tag", "x", "--width", "3"]) == 2
    assert main(["plot", str(CORPUS / "nope"), "--tag", "x"]) == 2


@pytest.mark.parametrize(("term", "truecolor"), [("screen", False), ("xterm-256color", False)])
def test_plot_colours_for_the_terminal_it_draws_on(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, term: str, truecolor: bool
) -> None:
    """On a 16-colour terminal (TERM=screen) plot wrote 24-bit colour codes it cannot show, in the
    256-colour palette's run colours (two of which are the same red there)."""
    import tui.cli.plot

    monkeypatch.setattr(tui.cli.plot, "want_color", lambda: True)
    monkeypatch.setenv("TERM", term)
    monkeypatch.delenv("COLORTERM", raising=False)
    code = main(["plot", str(CORPUS / "tbx"), "--tag", "^train/loss$", "--width", "60", "--height", "8"])
    out, _ = capsys.readouterr()
    assert code == 0 and "\x1b[" in out
    assert ("\x1b[38;2;" in out) == truecolor
    if term == "screen":
        assert "\x1b[38;5;" not in out and "\x1b[93m" in out  # the first run: bright yellow, as in the app
