"""Files written from the app: the screen as SVG (``P``, the palette's Screenshot) and a chart's points
as CSV (``e``, the same file ``tbtui export`` writes).

Both go where :func:`tui.views.export.export_dir` says (the current directory, never the logdir, never
~/Downloads, which a training box often lacks). The screen is drawn on the event loop, as it must be;
building the CSV and writing either file happen in a worker thread. Where a file went, or why it was
not written, shows in the status bar for :data:`FILE_NOTICE_SECONDS`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.views.export import export_dir, export_name, scalar_csv, write_new
from tui.widgets.scalar_chart import ChartSource

if TYPE_CHECKING:
    from tui.app import TbtuiApp

__all__ = ["FILE_NOTICE_SECONDS", "FileExports"]

#: How long the status bar says where a screenshot or CSV was written.
FILE_NOTICE_SECONDS = 15.0


class FileExports:
    """Writes ``app``'s files for ``logdir`` and says where they went."""

    def __init__(self, app: TbtuiApp, logdir: str) -> None:
        self._app = app
        self._logdir = logdir

    def screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """An SVG of the screen as it is now, written in a worker."""
        folder = path or export_dir(self._logdir)
        name = filename or export_name(os.path.basename(os.path.normpath(self._logdir)), "svg")
        svg = self._app.export_screenshot()
        self._write(
            folder, name, lambda: svg, lambda path: f"screenshot saved to {path}", "screenshot not saved"
        )

    def chart_csv(self, tag: str, sources: list[ChartSource]) -> None:
        """Every point of the charted runs' series of ``tag``, as ``tbtui export`` writes them."""
        series = [(src.run, tag, src.series.snapshot()) for src in sources]
        points = sum(len(s) for _, _, s in series)
        self._write(
            export_dir(self._logdir),
            export_name(tag, "csv"),
            lambda: scalar_csv(series),
            lambda path: f"wrote {points:,} points of {len(series)} run(s) to {path}",
            "CSV not written",
        )

    def _write(
        self, folder: str, name: str, text: Callable[[], str], done: Callable[[str], str], failed: str
    ) -> None:
        """Write ``text()`` to a new file in a worker thread, then say ``done(path)``, or ``failed`` and
        why."""

        def write() -> None:
            try:
                said = done(write_new(folder, name, text()))
            except OSError as e:
                said = f"! {failed}: {e.strerror or e}"
            with contextlib.suppress(RuntimeError):  # the app closed meanwhile: nobody to tell
                self._app.call_from_thread(self._say, said)

        self._app.run_worker(write, thread=True, group="files", name="write-file")

    def _say(self, text: str) -> None:
        """``text`` in the status bar until the next notice, or for FILE_NOTICE_SECONDS."""
        app = self._app
        app.show_notice(text)

        def clear() -> None:
            if app.view.notice == text:
                app.show_notice("")

        app.set_timer(FILE_NOTICE_SECONDS, clear)
