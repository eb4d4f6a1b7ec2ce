"""After a crash the app exits non-zero with one line on stderr and the traceback in a file (issue 11 #15)."""

from __future__ import annotations

import functools

from textual.app import App

from tui.app import TbtuiApp
from tui.cli import dispatch, main
from tui.cli.crash import EXIT_CRASH


def test_a_crash_in_the_app_exits_non_zero_with_one_line(tmp_path, monkeypatch, capsys, tb) -> None:
    logdir = tmp_path / "logs"
    tb.write_run(str(logdir), "alpha", steps=3)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def boom(self) -> None:
        raise RuntimeError("a bug \x1b]0;pwned\x07")

    monkeypatch.setattr(TbtuiApp, "on_ready", boom, raising=False)
    # No terminal under pytest: run headless, through the same command-line path as `tbtui LOGDIR`.
    monkeypatch.setattr(TbtuiApp, "run", functools.partialmethod(App.run, headless=True))
    monkeypatch.setattr(dispatch, "missing_terminal", lambda: None)
    code = main([str(logdir)])
    _, err = capsys.readouterr()
    assert code == EXIT_CRASH
    assert err.count("\n") == 1 and "\x1b" not in err and "RuntimeError: a bug \\x1b]0;pwned\\x07" in err
    (report,) = (tmp_path / "state" / "tbtui").iterdir()
    assert str(report) in err
    text = report.read_text(encoding="utf-8")
    assert "Traceback" in text and "in boom" in text
    assert sorted(p.name for p in logdir.rglob("*") if p.is_file()) == sorted(
        p.name for p in (logdir / "alpha").iterdir()
    )


def test_a_clean_quit_exits_zero(tmp_path, monkeypatch, tb) -> None:
    logdir = tmp_path / "logs"
    tb.write_run(str(logdir), "alpha", steps=3)

    def quit_when_ready(self) -> None:
        self.exit()

    monkeypatch.setattr(TbtuiApp, "on_ready", quit_when_ready, raising=False)
    monkeypatch.setattr(TbtuiApp, "run", functools.partialmethod(App.run, headless=True))
    monkeypatch.setattr(dispatch, "missing_terminal", lambda: None)
    assert main([str(logdir)]) == 0
