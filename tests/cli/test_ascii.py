"""Issue 12 #9: charts in plain ASCII where braille cannot be shown, and ``plot`` never dies of an encoding.

The subprocess tests run ``python -m tui.cli plot`` the way a CI job with a limited locale would:
``PYTHONIOENCODING=ascii`` (stdout cannot encode braille) and ``LANG=C LC_ALL=C`` (a C locale), with a
run whose name has characters ASCII lacks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.text import Text

import tui
from tui.app import TbtuiApp
from tui.render.braille import BRAILLE_BASE
from tui.render.glyphs import ASCII_TABLE, ascii_rich, ascii_text, wants_ascii
from tui.tfevents.proto import graph_pb2
from tui.tfevents.writer import EventFileWriter
from tui.widgets.scalar_chart import ScalarChart

REPO = Path(tui.__file__).resolve().parents[1]


def logdir(root: Path) -> Path:
    for run in ("café/seed0", "plain"):
        with EventFileWriter(str(root / run)) as w:
            for s in range(60):
                w.add_scalar("loss", 2.0 / (1 + s) + 0.01 * (s % 7), s, 1.7e9 + s)
    return root


def plot(root: Path, *extra: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    locale = ("PYTHONIOENCODING", "LC_ALL", "LC_CTYPE", "LANG")
    full = {k: v for k, v in os.environ.items() if k not in locale}
    full.update({"PYTHONPATH": str(REPO), "NO_COLOR": "1", **env})
    argv = [sys.executable, "-m", "tui.cli", "plot", str(root), "--tag", "loss", "--width", "60", *extra]
    return subprocess.run(argv, capture_output=True, env=full, timeout=60, check=False)


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C"}])
def test_plot_under_an_ascii_output_draws_in_ascii_and_exits_0(tmp_path, env):
    done = plot(logdir(tmp_path), env=env)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    text = done.stdout.decode("utf-8")
    assert not any(BRAILLE_BASE <= ord(ch) < BRAILLE_BASE + 256 or ch in "│─┤●…" for ch in text)
    if "PYTHONIOENCODING" in env:  # an ASCII stdout: every byte is ASCII, a name's é an escape
        assert text.isascii() and "caf\\xe9/seed0" in text
    lines = text.splitlines()
    assert any("+---" in line or "+-" in line for line in lines)  # the x axis rule, in ASCII
    plot_rows = [line for line in lines if line.lstrip().startswith(("|", "0+", "1+", "2+"))]
    assert sum(ch in ".'-|" for row in plot_rows for ch in row[3:]) > 20  # the line is drawn, in dots


def test_plot_with_a_utf8_stdout_keeps_braille_and_ascii_on_request(tmp_path):
    root = logdir(tmp_path)
    utf8 = plot(root, env={"PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8"})
    assert utf8.returncode == 0
    assert any(BRAILLE_BASE < ord(ch) < BRAILLE_BASE + 256 for ch in utf8.stdout.decode("utf-8"))
    asked = plot(root, "--ascii", env={"PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8"})
    assert asked.returncode == 0
    out = asked.stdout.decode("utf-8")
    assert not any(BRAILLE_BASE <= ord(ch) < BRAILLE_BASE + 256 for ch in out)
    assert "café" in out  # names are not glyphs: they stay as they are where they can be shown


@pytest.mark.parametrize("command", ["summary", "export", "graph"])
def test_no_printing_command_dies_of_an_encoding(tmp_path, command):
    root = logdir(tmp_path)
    full = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LANG")}
    full.update({"PYTHONPATH": str(REPO), "PYTHONIOENCODING": "ascii"})
    argv = [
        sys.executable,
        "-m",
        "tui.cli",
        command,
        str(root),
        *(["--tag", "loss"] if command == "export" else []),
    ]
    done = subprocess.run(argv, capture_output=True, env=full, timeout=60, check=False)
    assert done.returncode in (0, 3), done.stderr  # 3: graph finds no graph, and says so
    assert b"internal error" not in done.stderr and done.stdout.isascii()


@pytest.mark.parametrize("command", ["summary", "graph"])
def test_summary_and_graph_draw_in_ascii_where_plot_does(tmp_path, command, capsys, monkeypatch):
    """Under LANG=C (Python coerces stdout to UTF-8) plot drew in ASCII but summary's table rule and
    graph's tree were box-drawing characters, shown as mojibake by a C-locale terminal."""
    from tui.cli import main

    root = logdir(tmp_path)
    g = graph_pb2.GraphDef()
    g.node.add(name="scope/x", op="Const")
    g.node.add(name="scope/y", op="AddV2").input.append("scope/x")
    with EventFileWriter(str(root / "plain")) as w:
        w.add_graph(g)
    for var in ("LC_ALL", "LC_CTYPE", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert main([command, str(root)]) == 0
    drawn = capsys.readouterr().out
    assert any(ch in drawn for ch in "─├│"), drawn  # a UTF-8 locale keeps the lines
    monkeypatch.setenv("LANG", "C")
    monkeypatch.setenv("LC_ALL", "C")
    assert main([command, str(root)]) == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "─├│└…"), out  # names stay as they are (café), as in plot
    if command == "graph":
        assert out == ascii_text(drawn)  # the same tree, each glyph its one-cell stand-in
    else:  # Rich draws the table with its ASCII box
        assert [line.split("|")[1].strip() for line in out.splitlines() if "| loss" in line] == [
            "loss",
            "loss",
        ]


def test_every_braille_pattern_and_chart_glyph_has_a_one_cell_ascii_stand_in():
    braille = "".join(chr(BRAILLE_BASE + b) for b in range(256))
    assert ascii_text(braille).isascii() and len(ascii_text(braille)) == 256
    assert ascii_text("\u2800") == " " and ascii_text("\u28ff") == "|"
    assert ascii_text("\u2809") == "'" and ascii_text("\u28c0") == "." and ascii_text("\u2812") == "-"
    for code, sub in ASCII_TABLE.items():
        assert len(sub) == 1 and sub.isascii() and cell_len(chr(code)) == 1, unicodedata.name(chr(code), code)
    t = Text("│⣀⣀ name")
    t.stylize("red", 1, 3)
    a = ascii_rich(t)
    assert a.plain == "|.. name" and a.spans == t.spans  # styles stay on the same cells


@pytest.mark.parametrize(
    ("encoding", "environ", "expected"),
    [
        ("utf-8", {"LANG": "en_US.UTF-8"}, False),
        ("ascii", {"LANG": "en_US.UTF-8"}, True),
        ("latin-1", {}, True),
        ("utf-8", {"LANG": "C"}, True),
        ("utf-8", {"LC_ALL": "POSIX", "LANG": "en_US.UTF-8"}, True),
        ("utf-8", {"LC_ALL": "C.UTF-8", "LANG": "C"}, False),
        ("utf-8", {"LANG": "C", "LC_CTYPE": "C.UTF-8"}, True),  # Python's own coercion of LANG=C
        ("utf-8", {"LANG": "C", "LC_CTYPE": "en_US.UTF-8"}, False),
        ("utf-8", {}, False),
        ("utf-8", {"LANG": "en_US.UTF-8", "TERM": "linux"}, True),  # the Linux console: no braille font
        ("utf-8", {"LANG": "en_US.UTF-8", "TERM": "xterm-256color"}, False),
        (None, {}, True),
        ("no-such-codec", {}, True),
    ],
)
def test_wants_ascii(encoding, environ, expected):
    assert wants_ascii(encoding, environ) is expected


async def test_the_app_draws_its_chart_in_ascii_when_asked(tmp_path):
    app = TbtuiApp(str(logdir(tmp_path)), ascii=True)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = app.query_one(ScalarChart)
        for _ in range(400):  # until the first load is on screen (bounded, ~20 s)
            if app.is_settled and chart.last is not None:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        shown = "\n".join(chart.render_line(y).text for y in range(chart.size.height))
        assert not any(BRAILLE_BASE <= ord(ch) < BRAILLE_BASE + 256 for ch in shown)
        assert "|" in shown and "+" in shown and sum(shown.count(c) for c in ".'-") > 20
        # The model's chart is Unicode as ever: only what reaches the screen changes.
        assert any(BRAILLE_BASE < ord(ch) < BRAILLE_BASE + 256 for ch in chart.last.plain())


def _screen_chars(app: TbtuiApp) -> str:
    """Every character the active screen's compositor would send (line filters applied)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


async def test_in_ascii_mode_nothing_on_screen_is_a_unicode_glyph(tmp_path):
    """Under LANG=C the charts were ASCII but Textual's borders (``╭─╮``), scrollbars, tab
    underlines, the help screen's ``⏎ ↓ ↑ ●``, the HParams and Text lists' ``■`` and the command
    palette's ``🔎 …`` still reached the terminal as Unicode. Now every cell is ASCII but the letters
    of names (the run ``café/seed0`` keeps its ``é``): on every tab, the dashboard, the help screen
    and the palette."""
    app = TbtuiApp(str(logdir(tmp_path)), ascii=True)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(400):  # until the first load is on screen (bounded, ~20 s)
            if app.is_settled:
                break
            await pilot.pause(0.05)
        seen = {}
        for key in ("1", "2", "3", "4", "5", "6", "7", "d", "d", "question_mark", "escape", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause(0.2)
            seen[key] = _screen_chars(app)
        for key, shown in seen.items():
            glyphs = {ch for ch in shown if not ch.isascii() and not unicodedata.category(ch).startswith("L")}
            assert not glyphs, (key, sorted(glyphs))
        assert "café" in seen["1"]
        assert "+-" in seen["1"] and "|" in seen["1"]  # the borders are still there, in ASCII


def test_the_ascii_screen_keeps_an_images_colours():
    """An image drawn in half blocks (``▀``: top pixel in the foreground, bottom in the background)
    turned into a field of ``^`` under the whole-screen ASCII filter: it is now spaces in the top
    pixel's colour, the picture at half the height; other glyphs still get their stand-ins."""
    from rich.segment import Segment
    from rich.style import Style
    from textual.color import Color

    from tui.widgets.ascii_lines import AsciiLines

    red, blue = Style(color="#ff0000", bgcolor="#0000ff"), Style(color="#00ff00")
    out = AsciiLines().apply([Segment("▀▀", red), Segment("╭─ café ●", blue), Segment("▀")], Color(0, 0, 0))
    assert out[0].text == "  " and out[0].style.bgcolor == red.color
    assert out[1].text == "+- café *" and out[1].style == blue
    assert out[2].text == "^"  # no colour to keep: the stand-in
