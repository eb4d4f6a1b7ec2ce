"""The command line: ``tbtui [LOGDIR]`` opens the app; ``summary``, ``export``, ``plot`` and ``graph`` print.

One module per command (``HELP``, ``add_arguments`` and ``run``), shared helpers in ``common``, the parser
and the dispatch in ``dispatch`` (not ``main``: a module named like the function it exports is shadowed by
it). Nothing here imports Textual: the app is launched through one deferred import, so ``tbtui summary``
in a CI job loads no UI code.
"""

from tui.cli.dispatch import main

__all__ = ["main"]
