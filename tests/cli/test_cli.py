"""The non-interactive commands as a script would use them: output, exit codes, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tui.cli import main
from tui.tfevents.writer import EventFileWriter

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_json_schema_on_real_logdir(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "summary", str(CORPUS / "tf2"), "--json")
    assert code == 0
    data = json.loads(out)  # strict JSON: json.loads would accept NaN, so check the text too
    assert "NaN" not in out.replace('"NaN"', "")
    assert set(data) == {"logdir", "problems", "runs"} and data["problems"] == []
    run = data["runs"]["trace"]
    assert set(run) == {"files", "scalars", "histograms", "graphs", "other"}
    assert run["graphs"]["train_step_trace"] == {"kind": "op_graph", "nodes": 363}
    assert data["runs"]["keras/train"]["graphs"]["keras"] == {"kind": "keras_model", "nodes": 7}
    f = run["files"][0]
    assert set(f) == {"path", "bytes", "records", "problems"} and f["records"] > 0


def test_summary_json_writes_non_finite_as_strings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "summary", str(CORPUS / "edge_cases"), "--json", "--runs", "^f_nan_inf$")
    assert code == 0
    loss = json.loads(out)["runs"]["f_nan_inf"]["scalars"]["loss"]
    assert loss["last"] == "NaN" and loss["nan_count"] == 11 and loss["max"] == "Infinity"


def test_summary_table_names_problems(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "summary", str(CORPUS / "edge_cases"))
    assert code == 0
    assert "data CRC mismatch, record skipped" in out
    assert "not a TFRecord event file" in out


def test_export_csv_every_point(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "export", str(CORPUS / "tbx"), "--run", "adam", "--tag", "^train/loss$")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["wall_time", "step", "value"]
    assert len(rows) == 201 and rows[1][1] == "0" and float(rows[1][2]) == pytest.approx(0.7179243564605713)


def test_export_json_several_series_to_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "x.json"
    code, _, err = run_cli(
        capsys,
        "export",
        str(CORPUS / "tbx"),
        "--run",
        "^exp/[a-z_0-9e-]+$",
        "--tag",
        "LOSS",
        "-o",
        str(out_file),
    )
    assert code == 0 and "wrote" in err
    doc = json.loads(out_file.read_text())
    assert set(doc) == {"exp/adam_lr1e-2", "exp/sgd_lr1e-1"}
    assert set(doc["exp/adam_lr1e-2"]) == {"train/loss", "val/loss"}  # tags match case-insensitively
    assert doc["exp/adam_lr1e-2"]["val/loss"][0]["step"] == 0


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["summary", "/definitely/not/here"], 2, "logdir not found"),
        (["export", str(CORPUS / "tbx"), "--tag", "("], 2, "bad regex"),
        (["export", str(CORPUS / "tbx"), "--tag", "nope"], 3, "no scalar series match"),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    got, out, err = run_cli(capsys, *argv)
    assert got == code and out == ""
    assert err.count("\n") == 1 and message in err


def test_control_sequences_in_tags_print_inert(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    evil = "x\x1b[2J\x1b]0;pwned\x07"
    with EventFileWriter(str(tmp_path / f"run{evil}"), legacy=True) as w:
        w.add_scalar(evil, 1.0, 0)
    code, out, _ = run_cli(capsys, "summary", str(tmp_path))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "x\\x1b[2J\\x1b]0;pwned\\x07" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["summary", "tbx"],
        ["summary", "edge_cases"],
        ["plot", "tbx", "--tag", "loss", "--width", "60", "--height", "8"],
        ["plot", "tbx", "--tag", "loss", "--ascii", "--width", "60", "--height", "8"],
        ["graph", "torch_mnist_like"],
    ],
)
def test_drawn_output_has_no_trailing_spaces(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """Rich padded every summary line to the table's width and plot's lines are exact-width: piped
    to a file, nearly every line ended in spaces."""
    command, logdir, *rest = argv
    code, out, _ = run_cli(capsys, command, str(CORPUS / logdir), *rest)
    assert code == 0 and out.strip()
    assert [ln for ln in out.splitlines() if ln != ln.rstrip()] == []


def test_trimmed_lines_keep_colour_codes_and_inner_spaces() -> None:
    import io

    from tui.cli.drawing import TrimmedLines

    out = io.StringIO()
    stream = TrimmedLines(out)
    for piece in ("a  ", " b   ", "\x1b[0m\n", "c \x1b[1m  \x1b[0m\n", "d  ", "\n"):
        stream.write(piece)
    assert out.getvalue() == "a   b\x1b[0m\nc\x1b[1m\x1b[0m\nd\n"


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_summary_and_its_json_agree_on_the_exit_code_when_nothing_is_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, json_flag: list[str]
) -> None:
    """``summary`` exited 3 on an empty logdir and ``summary --json`` 0: a script could not tell an
    empty logdir from a full one without parsing. Both exit 3 (nothing matched) and still print what
    they found; a --run that matches nothing is said so, not "no event files"."""
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run_cli(capsys, "summary", str(empty), *json_flag)
    assert code == 3
    if json_flag:
        assert json.loads(out)["runs"] == {}
    else:
        assert "no event files found" in out
    code, out, _ = run_cli(capsys, "summary", str(CORPUS / "tbx"), "--run", "^zzz$", *json_flag)
    assert code == 3
    if json_flag:
        assert json.loads(out)["runs"] == {}
    else:
        assert "no run matches --run '^zzz$'" in out and "no event files" not in out
    code, out, _ = run_cli(capsys, "summary", str(CORPUS / "tbx"), *json_flag)
    assert code == 0 and out
