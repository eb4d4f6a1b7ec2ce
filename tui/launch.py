"""Starting the app in a terminal: the app built from the command line's options, ASCII glyphs or not,
terminal graphics prepared, and an error that ended it raised once the terminal is restored.

``tui.cli.dispatch`` (``tbtui [LOGDIR]``) and ``tui.cli.demo`` (``tbtui --demo``) reach Textual only through
here, each by one deferred import, so ``import tui.cli`` loads no Textual.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from tui.app import TbtuiApp
from tui.render.glyphs import wants_ascii
from tui.widgets.image_view import graphics_terminal, prepare_terminal_graphics

__all__ = ["app_from_args", "ascii_screen", "run", "run_app"]


def run(args: argparse.Namespace) -> int:
    """``tbtui [LOGDIR]``: open the app on ``args.logdir``."""
    app = app_from_args(
        args,
        os.path.abspath(args.logdir) if getattr(args, "absolute", False) else args.logdir,
        remember=True,
        check_crc=not getattr(args, "no_crc", False),
        layout=getattr(args, "layout", None) or "tabs",
        cache=not getattr(args, "no_cache", False),
    )
    if graphics_terminal():
        prepare_terminal_graphics()
    return run_app(app)


def app_from_args(args: argparse.Namespace, logdir: str, **options: Any) -> TbtuiApp:
    """The app on ``logdir`` with the options every way of opening it shares (``--runs``, ``--tags``,
    ``--smoothing``, ``-x``, ``--open``, ``--poll``, ``--ascii``); ``options`` adds the others."""
    return TbtuiApp(
        logdir,
        runs=args.runs or "",
        tags=args.tags or "",
        smoothing=args.smoothing,
        x_mode=args.x,
        open_tag=getattr(args, "open", None),
        poll=args.poll,
        ascii=ascii_screen(getattr(args, "ascii", False)),
        **options,
    )


def ascii_screen(asked: bool) -> bool:
    """Draw in ASCII glyphs: asked (``--ascii``), or the terminal cannot show braille. Textual writes
    to stderr, so its encoding counts as much as stdout's; a C locale counts too."""
    return asked or any(
        wants_ascii(getattr(f, "encoding", None), os.environ) for f in (sys.__stderr__, sys.stdout)
    )


def run_app(app: TbtuiApp, **run_kwargs: Any) -> int:
    """Run ``app`` until it exits; an error that ended it is raised here, once the terminal is restored
    (``tui.cli.dispatch`` turns it into one line and a traceback file, and a non-zero exit)."""
    app.run(**run_kwargs)
    if app.crash is not None:
        raise app.crash
    return app.return_code or 0
