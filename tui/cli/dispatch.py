"""``tbtui``'s argument parser and dispatch: a subcommand runs its module, anything else opens the app.

Errors are one line on stderr with a non-zero exit code, never a traceback: a usage error says what to
fix; an internal error (a bug, in a command or in the app) exits with :data:`~tui.cli.crash.EXIT_CRASH`
and names the file holding its traceback. The app and the demo are reached through one deferred import
each, so a printing command never loads Textual; and a subcommand's module is imported only when it
runs, so ``tbtui summary --json`` does not load ``plot``'s charts, Rich or the graph readers.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from tui import __version__
from tui.cli import common
from tui.cli.common import EXIT_STORAGE, CliError, add_cache_argument, compile_regex
from tui.views.safe import inert

__all__ = ["COMMANDS", "build_parser", "command", "main"]

#: The printing subcommands: each module (``tui.cli.NAME``) has ``HELP``, ``add_arguments`` and
#: ``run``, and is imported by :func:`command` when needed.
COMMANDS = ("summary", "export", "plot", "graph", "cache")


def command(name: str) -> ModuleType:
    """The module of subcommand ``name`` (one of :data:`COMMANDS`), imported now."""
    return importlib.import_module(f"tui.cli.{name}")


def add_app_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "logdir", nargs="?", default=".", help="directory or URL (s3://, gs://, ssh://...) of event files"
    )
    p.add_argument(
        "--demo", action="store_true", help="write a growing sample run to a temp folder and open it"
    )
    p.add_argument("--runs", metavar="REGEX", help="show only runs matching this regex")
    p.add_argument("--tags", metavar="REGEX", help="show only tags matching this regex (case-insensitive)")
    p.add_argument(
        "--smoothing",
        type=float,
        metavar="W",
        help="EMA weight 0..0.999 (default: the last session's on this logdir, else 0.6)",
    )
    p.add_argument(
        "--x",
        choices=("step", "relative", "wall"),
        help="x axis (default: the last session's on this logdir, else step)",
    )
    p.add_argument(
        "--open",
        "--tag",
        dest="open",
        metavar="TAG",
        help="open on this scalar tag (exact name, else the first matching it as a regex; default: the "
        "last session's, else the longest curve, preferring loss)",
    )
    p.add_argument(
        "--poll",
        type=float,
        metavar="SECONDS",
        help="poll for changes instead of file events (remote URLs: default 5)",
    )
    p.add_argument("--no-crc", action="store_true", help="skip data CRC checks (framing is still checked)")
    p.add_argument("--layout", choices=("tabs", "dashboard"), default="tabs", help="start layout (d toggles)")
    add_cache_argument(p)
    p.add_argument(
        "--ascii",
        action="store_true",
        help="draw charts in plain ASCII (automatic when the output encoding or a C locale lacks braille)",
    )


def build_parser(
    prog: str = "tbtui", only: Sequence[str] | None = None
) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The app's parser and one parser per subcommand (``only``: those alone, the other
    subcommands' modules not imported)."""
    main_parser = argparse.ArgumentParser(
        prog=prog,
        description="TensorBoard for the terminal. `tbtui LOGDIR` opens the app; subcommands print.",
        epilog=f"subcommands: {', '.join(COMMANDS)} (tbtui SUBCOMMAND -h for each)",
    )
    main_parser.add_argument("--version", action="version", version=f"tbtui {__version__}")
    add_app_arguments(main_parser)
    subs: dict[str, argparse.ArgumentParser] = {}
    for name in COMMANDS if only is None else only:
        module = command(name)
        p = argparse.ArgumentParser(prog=f"{prog} {name}", description=module.HELP)
        module.add_arguments(p)
        subs[name] = p
    return main_parser, subs


def missing_terminal() -> str | None:
    """Which of the app's streams is not a terminal, or None when all are.

    Textual reads keys from stdin and draws on stderr, and stdout redirected means the output is
    meant for a file or a pipe: without a terminal on all three the app would write escape codes
    nobody sees and wait forever for keys (at a core's worth of CPU), so it refuses instead.
    """
    for name in ("stdin", "stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            if stream is None or not stream.isatty():
                return name
        except (AttributeError, ValueError):  # closed or replaced by something that is not a file
            return name
    return None


def _need_terminal() -> None:
    missing = missing_terminal()
    if missing is not None:
        raise CliError(
            f"the app needs a terminal ({missing} is not one); to print instead, use "
            "`tbtui summary LOGDIR`, `tbtui plot LOGDIR --tag REGEX` or `tbtui export LOGDIR --tag REGEX`"
        )


def _open_app(args: argparse.Namespace) -> int:
    if args.runs:
        compile_regex(args.runs)
    if args.tags:
        compile_regex(args.tags, ignore_case=True)
    if args.smoothing is not None and not 0 <= args.smoothing <= 0.999:
        raise CliError("--smoothing must be between 0 and 0.999")
    if args.demo:
        _need_terminal()
        from tui.cli import demo

        return demo.run(args)
    from tui.model.storage import StorageError, check_url, is_url

    if is_url(args.logdir):
        try:
            check_url(args.logdir)  # a missing extra is one line now, not a broken screen
        except StorageError as e:
            raise CliError(str(e)) from None
    _need_terminal()  # after the usage errors, which say more
    if not is_url(args.logdir) and not os.path.exists(args.logdir):
        print(f"tbtui: {args.logdir} does not exist yet; waiting for it to appear", file=sys.stderr)
    from tui import launch  # the one way into Textual

    return launch.run(args)


def _tolerant_stdout() -> None:
    """A character stdout's encoding lacks (a name under ``PYTHONIOENCODING=ascii`` or a Latin-1
    locale) is written as a ``\\xe9`` escape instead of ending the command with an error."""
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        sys.stdout.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    name = argv[0] if argv and argv[0] in COMMANDS else None
    try:
        main_parser, subs = build_parser(only=[name] if name else [])
        if name is not None:
            _tolerant_stdout()
            common.incomplete.clear()
            code = command(name).run(subs[name].parse_args(argv[1:]))
            return EXIT_STORAGE if code == 0 and common.incomplete else code
        return _open_app(main_parser.parse_args(argv))
    except CliError as e:
        print(f"tbtui: error: {inert(str(e))}", file=sys.stderr)
        return e.code
    except BrokenPipeError:  # `tbtui export ... | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug: one line here, the traceback in a file
        from tui.cli import crash

        print(crash.crash_line(e, crash.write_report(e)), file=sys.stderr)
        return crash.EXIT_CRASH


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
