"""The base class of every tab's content: what the app hands it, and the messages it may send back.

The app owns the state all tabs share and hands the active tab one immutable
:class:`~tui.views.selection.PaneContext` by setting :attr:`Pane.context` (only when something a pane
can see has changed, at most a few times a second, and at once when a tab is activated); the pane
redraws in ``watch_context``. A pane never reaches into the app: it posts one of the messages below.
The app never reaches into a pane either: it sets :attr:`Pane.context` (attributes down, messages up);
what it keeps of a pane's state (the tag it shows) the pane tells it with :class:`Pane.TagShown`.

Every decode and render of log content is total: a pane's ``watch_context``, its actions and its
message handlers are wrapped (by :meth:`Pane.__init_subclass__`, so no pane can forget) so that an
exception becomes a :class:`Pane.Notice` naming what could not be shown (:attr:`Pane.subject`: the
tab, the tag and the run) and why, while everything else stays on screen. The line widgets do the same
for their drawing (:class:`~tui.widgets.line_widget.LineWidget`). Bugs are still bugs: the traceback
goes to Textual's log; but a log file can never end the app.

Keys go in a pane's ``BINDINGS`` (with a short description each): the help screen lists the bindings
of every mounted widget, so a key is documented exactly when it exists. App-wide keys (1-7, q, ?, /,
p, s, x, y, i, o, a, d) are taken. Styles go in the widget's ``DEFAULT_CSS``.
"""

from __future__ import annotations

import functools
import inspect
import traceback
from collections.abc import Callable
from typing import Any

from textual.css.query import NoMatches
from textual.lazy import Lazy
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tui.views.safe import Inert
from tui.views.selection import PaneContext

__all__ = ["LazyPane", "Pane", "drawing_failed", "failure_text", "total"]

#: How much of an exception's message a notice keeps (a message may quote a whole payload).
FAILURE_CHARS = 240


def failure_text(subject: str, error: BaseException) -> Inert:
    """One line naming what could not be shown and why, made inert (the message may quote log text)."""
    why = str(error)
    if len(why) > FAILURE_CHARS:
        why = why[: FAILURE_CHARS - 1] + "…"
    return Inert(
        f"cannot show {subject}: {type(error).__name__}: {why}"
        if subject
        else f"{type(error).__name__}: {why}"
    )


def drawing_failed(widget: Widget, subject: Callable[[], str], error: Exception, said: str | None) -> Inert:
    """The line a widget whose drawing raised shows in its place, naming ``subject()`` and the error.

    Unless that line is ``said`` already (a frame that keeps failing says it once), the traceback goes
    to Textual's log and the line to the status bar as a :class:`Pane.Notice`, posted later from the
    widget's own loop: a message made while the screen renders has the screen as its sender and stops
    bubbling there, before the app.
    """
    try:
        name = subject()
    except Exception:  # the widget's state is what failed: the error alone
        name = ""
    text = failure_text(name, error)
    if text != said:
        widget.log.error("".join(traceback.format_exception(error)))
        widget.call_later(lambda: widget.post_message(Pane.Notice(text)))
    return text


def total(method: Callable[..., Any], on_error: Callable[[Any, Exception], None]) -> Callable[..., Any]:
    """``method`` (sync or async) with any ``Exception`` handed to ``on_error(self, error)`` instead of
    raised: raised, it would reach Textual's handler and end the app."""
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def guarded_async(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except Exception as e:
                on_error(self, e)
                return None

        guarded_async.__total__ = True  # type: ignore[attr-defined]
        return guarded_async

    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as e:
            on_error(self, e)
            return None

    guarded.__total__ = True  # type: ignore[attr-defined]
    return guarded


def _then_tell_tag(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` (sync or async), then :meth:`Pane.tell_tag` once it returned."""
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def telling_async(self: Pane, *args: Any, **kwargs: Any) -> Any:
            result = await method(self, *args, **kwargs)
            self.tell_tag()
            return result

        return telling_async

    @functools.wraps(method)
    def telling(self: Pane, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        self.tell_tag()
        return result

    return telling


def _guarded_name(name: str) -> bool:
    """The methods through which log content reaches a pane: the context, keys and messages (worker
    results among them)."""
    return name == "watch_context" or name.startswith(("action_", "on_"))


class Pane(Widget):
    """A tab's content. Subclasses implement ``watch_context(old, new)``."""

    context: reactive[PaneContext | None] = reactive(None, layout=False, repaint=False, init=False)
    #: What the tab shows, for the notices that name a failure (``"histograms"``).
    SUBJECT: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Only the class's own functions: an inherited one was wrapped where it was defined. Handlers
        # registered with ``@on`` are left alone (Textual keeps the function it was given).
        for name, value in list(vars(cls).items()):
            if (
                _guarded_name(name)
                and inspect.isfunction(value)
                and not getattr(value, "__total__", False)
                and not hasattr(value, "_textual_on")
            ):
                setattr(cls, name, total(_then_tell_tag(value), Pane.failed))

    @property
    def subject(self) -> str:
        """What this pane shows now, for a notice: the tab and the selected tag (log text:
        :func:`failure_text` makes the notice inert as a whole)."""
        kind = self.SUBJECT or type(self).__name__.removesuffix("Pane").lower()
        tag = self.selected_tag
        return f"{kind} {tag}" if tag else kind

    def failed(self, error: Exception) -> None:
        """Say in the status bar what could not be shown and why; the traceback goes to Textual's log."""
        self.log.error("".join(traceback.format_exception(error)))
        try:
            subject = self.subject
        except Exception:  # the pane's state is what failed: name the tab alone
            subject = self.SUBJECT or type(self).__name__
        self.post_message(Pane.Notice(failure_text(subject, error)))

    @property
    def selected_tag(self) -> str | None:
        """The tag this pane shows, when it shows one (the dashboard opens on it)."""
        return None

    @property
    def wanted_tag(self) -> str | None:
        """The tag the next session should open on: the one shown, unless a pane knows better."""
        return self.selected_tag

    #: The (shown, wanted) tags last told to the app.
    _told: tuple[str | None, str | None] | None = None

    def tell_tag(self) -> None:
        """Post :class:`TagShown` when the tag shown or the one wanted changed since last told.

        Run after every guarded method (the context, keys, messages: the only ways the tag changes),
        so no pane has to remember to; a pane not composed yet (or going) has nothing to tell.
        """
        try:
            now = (self.selected_tag, self.wanted_tag)
        except NoMatches:
            return
        if now != self._told:
            self._told = now
            self.post_message(Pane.TagShown(self, *now))

    class Notice(Message):
        """Ask the app to show a one-line notice in the status bar."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class TagShown(Message):
        """The pane shows ``tag`` now (None: none), and the next session should open on ``wanted``.

        The app keeps both in its view state instead of asking the pane: the dashboard opens on the
        Scalars and Histograms tabs' tags, and the Scalars tab's wanted tag is remembered.
        """

        def __init__(self, pane: Pane, tag: str | None, wanted: str | None) -> None:
            super().__init__()
            self.pane = pane
            self.tag = tag
            self.wanted = wanted

    class FocusRun(Message):
        """Ask the app to highlight ``run`` in the runs pane."""

        def __init__(self, run: str) -> None:
            super().__init__()
            self.run = run

    class ShowOnly(Message):
        """Ask the app to show only ``runs`` in every tab, hiding all others, and to say that they were
        chosen in ``source``."""

        def __init__(self, runs: tuple[str, ...], source: str) -> None:
            super().__init__()
            self.runs = runs
            self.source = source

    class Mounted(Message):
        """The pane is in the DOM: the tabs but the first mount lazily, just after the first screen,
        so one activated before that is handed its context now."""

        def __init__(self, pane: Pane) -> None:
            super().__init__()
            self.pane = pane

    def on_mount(self) -> None:
        self.post_message(self.Mounted(self))

    class Ready(Message):
        """The pane has focusable content now (after preparing it in a worker): focus may move in."""

        def __init__(self, pane: Pane) -> None:
            super().__init__()
            self.pane = pane


class LazyPane(Lazy):
    """Textual's :class:`~textual.lazy.Lazy` for a tab's pane (mounted just after the first screen),
    without its race: when the app quits before the deferred mount runs, the tab is going and the
    pane is simply not mounted (Textual 8's Lazy raises MountError there, ending the app with an
    error on a quick ``q``)."""

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        parent = self.parent
        if not isinstance(parent, Widget):
            return

        async def mount() -> None:
            if parent.is_mounted and self.is_attached:
                await parent.mount(self._replace_widget, after=self)
                await self.remove()

        self.call_after_refresh(mount)
