"""Printed output is safe for a terminal, a spreadsheet and a JSON parser (issue 11 #8, #14, #15).

Names come from log files and directory names, which are arbitrary bytes: on a terminal they are made
inert, in CSV a cell a spreadsheet would run as a formula is defused, in JSON every control, bidi and
zero-width character is a ``\\u`` escape and a non-UTF-8 byte a surrogate escape, so the document is
valid UTF-8 and strict JSON whatever the names. An internal error is one line and a traceback file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui
from tui.cli import crash as crash_mod
from tui.cli import main
from tui.tfevents.writer import EventFileWriter

REPO = Path(tui.__file__).resolve().parents[1]
HOSTILE = "\x1b]0;pwned\x07\x9b2J\u202eevil\u200b\u2028"
#: Raw on a terminal: C0 but newline, DEL, C1, bidi and zero-width controls, line separators.
FORBIDDEN = set(map(chr, [*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0)])) | set(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def hostile_logdir(root: Path) -> Path:
    for run in (f"run{HOSTILE}", "=HYPERLINK(1)"):
        with EventFileWriter(str(root / run)) as w:
            for tag in (f"loss{HOSTILE}", "-2+3", "@SUM(A1)", "\tx", "\rx", "+1"):
                w.add_scalar(tag, -0.5, 0, 1.7e9)
                w.add_scalar(tag, 1.5, 1, 1.7e9 + 1)
    return root


def cli(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """``python -m tui.cli`` in a fresh process, stdout as bytes (how a pipe or a terminal gets it)."""
    full = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LC_ALL", "LANG")}
    full.update({"PYTHONPATH": str(REPO), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *argv], capture_output=True, env=full, timeout=60, check=False
    )


# -- export ---------------------------------------------------------------------------------------------


def test_export_csv_to_a_terminal_shows_names_inert(capsys, tmp_path, monkeypatch) -> None:
    hostile_logdir(tmp_path)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run_cli(capsys, "export", str(tmp_path), "--tag", "loss")
    assert code == 0
    assert not FORBIDDEN & set(out.replace("\n", "")), sorted(FORBIDDEN & set(out))
    assert "\\x1b]0;pwned\\x07" in out and "\\u202eevil" in out


def test_export_json_to_a_terminal_escapes_every_control(capsys, tmp_path, monkeypatch) -> None:
    hostile_logdir(tmp_path)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run_cli(capsys, "export", str(tmp_path), "--tag", "loss", "--format", "json")
    assert code == 0
    assert not FORBIDDEN & set(out.replace("\n", ""))
    doc = json.loads(out)  # the escapes are JSON's own: the names are exact once parsed
    assert doc[f"run{HOSTILE}"][f"loss{HOSTILE}"][0]["value"] == -0.5


def test_export_csv_defuses_formulas_as_owasp_recommends(capsys, tmp_path) -> None:
    hostile_logdir(tmp_path)
    code, out, _ = run_cli(capsys, "export", str(tmp_path), "--run", "HYPERLINK", "--tag", ".")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["run", "tag", "wall_time", "step", "value"]
    names = {(r[0], r[1]) for r in rows[1:]}
    runs = {r for r, _ in names}
    tags = {t for _, t in names}
    assert runs == {"'=HYPERLINK(1)"}
    assert {"'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "'+1"} <= tags
    # Numbers are numbers: a negative value is not a formula and is not prefixed.
    assert {r[4] for r in rows[1:]} == {"-0.5", "1.5"}


def test_export_help_says_cells_are_prefixed(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "single quote" in capsys.readouterr().out


def test_export_to_a_file_keeps_names_exact_but_defused(capsys, tmp_path) -> None:
    hostile_logdir(tmp_path / "logs")
    target = tmp_path / "out.csv"
    code, _, _ = run_cli(capsys, "export", str(tmp_path / "logs"), "--tag", "loss", "-o", str(target))
    assert code == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {r[0] for r in rows[1:]} == {f"run{HOSTILE}", "'=HYPERLINK(1)"}


# -- summary --json -------------------------------------------------------------------------------------


def test_summary_json_escapes_c1_bidi_and_zero_width(capsys, tmp_path) -> None:
    hostile_logdir(tmp_path)
    code, out, _ = run_cli(capsys, "summary", str(tmp_path), "--json")
    assert code == 0
    assert not FORBIDDEN & set(out.replace("\n", "")), sorted(FORBIDDEN & set(out))
    assert "\\u009b" in out and "\\u202e" in out and "\\u200b" in out and "\\u2028" in out
    data = json.loads(out)
    assert f"run{HOSTILE}" in data["runs"] and f"loss{HOSTILE}" in data["runs"][f"run{HOSTILE}"]["scalars"]


def non_utf8_logdir(root: Path) -> tuple[Path, str]:
    name = os.fsdecode(b"caf\xe9")  # '\udce9' under Python's surrogateescape
    with EventFileWriter(os.path.join(str(root), name)) as w:
        w.add_scalar("t", 1.0, 0, 1.7e9)
    return root, name


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "utf-8"}, {"LC_ALL": "C", "PYTHONUTF8": "0"}])
def test_summary_json_with_a_non_utf8_directory_is_valid(tmp_path, env) -> None:
    root, _ = non_utf8_logdir(tmp_path)
    p = cli("summary", str(root), "--json", env=env)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    text = p.stdout.decode("utf-8")  # strict: no raw 0xE9 byte
    data = json.loads(text)
    (run,) = data["runs"]
    assert os.fsencode(run) == b"caf\xe9"  # the surrogate escape gives the original bytes back
    assert "\\udce9" in text


def test_summary_table_with_a_non_utf8_directory_prints(tmp_path) -> None:
    root, _ = non_utf8_logdir(tmp_path)
    p = cli("summary", str(root), env={"PYTHONIOENCODING": "utf-8"})
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    assert "caf\\xe9" in p.stdout.decode("utf-8")


# -- internal errors --------------------------------------------------------------------------------------


def test_an_internal_error_is_one_line_and_a_traceback_file(capsys, tmp_path, monkeypatch) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    logdir = hostile_logdir(tmp_path / "logs")

    def boom(*_a, **_k):
        raise RuntimeError(f"model bug on {HOSTILE}")

    monkeypatch.setattr("tui.cli.summary.logdir_summary", boom)
    code, _, err = run_cli(capsys, "summary", str(logdir))
    assert code == crash_mod.EXIT_CRASH != 0
    assert err.count("\n") == 1 and not FORBIDDEN & set(err.rstrip("\n"))
    assert "RuntimeError" in err
    (report,) = (state / "tbtui").iterdir()
    assert str(report) in err
    body = report.read_text(encoding="utf-8")
    assert "Traceback" in body and "in boom" in body
    assert not any("crash" in p.name for p in logdir.rglob("*"))  # never in the logdir


def test_crash_report_falls_back_to_a_temp_dir(tmp_path, monkeypatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocked))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    try:
        raise ValueError("x")
    except ValueError as e:
        path = crash_mod.write_report(e)
    assert path is not None and Path(path).parent == tmp_path / "tmp"
