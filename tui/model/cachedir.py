"""Where tbtui keeps what it remembers between sessions: the user's cache directory, never the logdir.

One rule for every cache (remembered view state under ``state/``, the reopen cache under its own
folder): ``$XDG_CACHE_HOME/tbtui`` when that is set, else ``~/.cache/tbtui``. Everything there may be
deleted at any time; a file that cannot be read is treated as absent.
"""

from __future__ import annotations

import os

__all__ = ["cache_dir"]


def cache_dir(*parts: str) -> str:
    """``$XDG_CACHE_HOME/tbtui/<parts>`` (``~/.cache/tbtui/<parts>`` without it); not created here."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is invalid and ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tbtui", *parts)
