"""Where tbtui keeps what it writes for the user, outside every logdir: one rule, one place.

Everything tbtui stores between runs (the reopen cache under ``reads/``, per-logdir UI state under
``state/``) lives in the user's cache directory, so that nothing is ever written into a logdir and
``tbtui cache --clear`` (or deleting the folder) is always safe.
"""

from __future__ import annotations

import os

__all__ = ["cache_dir"]


def cache_dir(*parts: str) -> str:
    """``$XDG_CACHE_HOME/tbtui`` (else ``~/.cache/tbtui``), joined with ``parts``; not created here.

    A relative ``XDG_CACHE_HOME`` is ignored, as the XDG spec says, so the cache never lands
    wherever the command happened to be started (a logdir, say).
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tbtui", *parts)
