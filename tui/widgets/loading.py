"""The loader thread as the app sees it: the messages it posts and what they say about the load.

:class:`~tui.model.loader.Loader` reads the logdir on a thread and knows nothing of Textual. Here its
callbacks become messages posted to the app (``post``), and :class:`LoadState` keeps what they said:
the state the status bar shows (``starting``, ``loading 40%`` or ``loading 312/2,000 runs, 16%``,
``events``, ``polling``...), when data last changed, and a remote storage's latest retry or fault. The
app routes the messages here and decides only when the screen catches up (tui.views.throttle).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message import Message

from tui.model.loader import Loader
from tui.model.logdir import Changes, Logdir

__all__ = ["LoadState", "LoaderState", "LogdirChanged", "StorageNotice", "loading_text"]


class LogdirChanged(Message):
    """Posted by the loader thread after a slice that changed something."""

    def __init__(self, changes: Changes, loading: float | None) -> None:
        super().__init__()
        self.changes = changes
        self.loading = loading  # fraction loaded during the first pass, None once live


class LoaderState(Message):
    """Posted by the loader when its watch mode becomes known or changes."""

    def __init__(self, state: str) -> None:
        super().__init__()
        self.state = state


class StorageNotice(Message):
    """Posted from the loader thread when a remote storage starts or stops retrying, or gives up."""

    def __init__(self, text: str | None) -> None:
        super().__init__()
        self.text = text


def loading_text(fraction: float, changes: Changes) -> str:
    """What the status bar says during the first pass: the share read, and with several runs how
    many are read (a sweep's user counts runs: "loading 312/2,000 runs, 16%")."""
    if changes.runs_total > 1:
        return f"loading {changes.runs_read:,}/{changes.runs_total:,} runs, {fraction:.0%}"
    return f"loading {fraction:.0%}"


class LoadState:
    """The loader of ``logdir``, posting through ``post`` (thread-safe: Textual's ``post_message``),
    and what its messages said."""

    def __init__(
        self, logdir: Logdir, post: Callable[[Message], object], *, poll: float | None, slice_bytes: int
    ):
        self.logdir = logdir
        if logdir.storage is not None:
            logdir.storage.on_notice = lambda text: post(StorageNotice(text))
        self.loader = Loader(
            logdir,
            publish=lambda changes, loading: post(LogdirChanged(changes, loading)),
            on_mode=lambda mode: post(LoaderState(mode)),
            poll=poll,
            slice_bytes=slice_bytes,
        )
        #: What the status bar says of the load: "starting", "loading 40%", then the watch mode.
        self.state = "starting"
        #: When a slice last changed something (epoch seconds).
        self.updated: float | None = None
        #: A remote storage's latest retry or fault, as it happens (the loader may be in a backoff).
        self.storage_notice: str | None = None

    @property
    def history(self) -> bool:
        """The first pass is still reading what was there at start (growth only counts after it)."""
        return self.state.startswith(("starting", "loading"))

    def changed(self, message: LogdirChanged) -> None:
        if message.loading is not None and message.loading < 1.0:
            self.state = loading_text(message.loading, message.changes)
        elif self.history:
            self.state = self.loader.mode
        self.updated = time.time() if message.changes.any else self.updated

    @property
    def fault(self) -> str | None:
        """The latest storage fault: the storage's own notice, else the logdir's."""
        return self.storage_notice or self.logdir.fault
