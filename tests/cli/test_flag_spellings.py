"""The app takes ``--runs``/``--tags``; ``export``, ``plot`` and ``graph`` took only ``--run``/``--tag``
and ``summary`` only ``--runs``, so the spelling learnt on one failed on the next ("unrecognized
arguments: --runs"). Every command takes both, meaning the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "torch_mnist_like"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as e:  # argparse's own usage errors
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("command", "singular", "plural"),
    [
        (["export", str(CORPUS), "--tag", "train/loss"], ["--run", "lr_0.01$"], ["--runs", "lr_0.01$"]),
        (["export", str(CORPUS), "--run", "lr_0.01$"], ["--tag", "train/loss"], ["--tags", "train/loss"]),
        (
            ["plot", str(CORPUS), "--tag", "train/loss", "--width", "60"],
            ["--run", "lr_0.01$"],
            ["--runs", "lr_0.01$"],
        ),
        (
            ["plot", str(CORPUS), "--run", "lr_0.01$", "--width", "60"],
            ["--tag", "train/loss"],
            ["--tags", "train/loss"],
        ),
        (["graph", str(CORPUS), "--depth", "1"], ["--run", "lr_0.01$"], ["--runs", "lr_0.01$"]),
        (["summary", str(CORPUS), "--json"], ["--run", "lr_0.01$"], ["--runs", "lr_0.01$"]),
    ],
)
def test_run_and_tag_filters_take_both_spellings(capsys, command, singular, plural) -> None:
    code, out, err = run_cli(capsys, *command, *plural)
    assert (code, err) == (0, "")
    assert out and "lr_0.05" not in out
    assert run_cli(capsys, *command, *singular) == (code, out, err)
    assert run_cli(capsys, *command)[1] != out  # the filter did filter (or was required)
