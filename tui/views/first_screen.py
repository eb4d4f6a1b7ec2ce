"""The first screen: which scalar tag to open on, and the choices remembered from the last session.

Most users open a logdir to look at the training curve. Opening on the first tag in name order put
torch's and tensorboardX's one-point ``hparam/...`` metrics on screen instead, so :func:`preferred_tag`
picks the scalar with the most points, preferring names like ``loss``.

What the user chose last time on a logdir (the tag, smoothing, hidden runs and x mode) is kept in the
user's cache directory (:func:`tui.model.cachedir.cache_dir`, ``state/``), one small JSON file per
logdir named by a hash of its path: never in the logdir, written to a temporary file and renamed so
a crash cannot leave half a file, and ignored when it does not parse as what it should hold.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from tui.model.cachedir import cache_dir
from tui.model.storage import is_url
from tui.views.xaxis import X_MODES

__all__ = ["Memory", "Remembered", "load_remembered", "preferred_tag", "save_remembered", "state_path"]

#: Tag names most users open a logdir for, best first.
PREFERRED = re.compile(r"loss", re.IGNORECASE)


def preferred_tag(
    points: Mapping[str, int], order: Iterable[str], longest: Mapping[str, int] | None = None
) -> str | None:
    """The tag to open on, given each tag's point count (summed over the visible runs) and the
    ``longest`` series any one run has of it (the sum when not given).

    Tags a run logged more than once come first (a one-point value is a final metric, not a curve:
    55 runs' one-point ``hparam/loss`` sum to 55 points and opened a sweep on a chart of dots); of
    those, names like ``loss``; then the most points; ties go to the first in ``order`` (the tag list's).
    """
    longest = points if longest is None else longest
    best: tuple | None = None
    choice = None
    for i, tag in enumerate(order):
        n = points.get(tag, 0)
        key = (longest.get(tag, 0) > 1, bool(PREFERRED.search(tag)), n, -i)
        if best is None or key > best:
            best, choice = key, tag
    return choice


@dataclass(frozen=True, slots=True)
class Remembered:
    """What is restored on the next open of the same logdir."""

    tag: str | None = None
    smoothing: float | None = None
    hidden: tuple[str, ...] = ()
    x_mode: str | None = None


def _logdir_key(logdir: str) -> str:
    """A URL as given; a local path made absolute with its links resolved (one logdir, one file)."""
    if is_url(logdir):
        return logdir
    return os.path.realpath(os.path.abspath(logdir))


def state_path(logdir: str) -> str:
    key = _logdir_key(logdir)
    name = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir("state", name + ".json")


def load_remembered(logdir: str) -> Remembered | None:
    """The state saved for ``logdir``, or None when there is none or it is not what it should be."""
    try:
        with open(state_path(logdir), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("logdir") != _logdir_key(logdir):
        return None  # corrupt, or (against all odds) another logdir's hash
    tag, smoothing, hidden, x_mode = (data.get(k) for k in ("tag", "smoothing", "hidden", "x_mode"))
    ok_smoothing = isinstance(smoothing, int | float) and not isinstance(smoothing, bool)
    return Remembered(
        tag if isinstance(tag, str) else None,
        float(smoothing) if ok_smoothing and math.isfinite(smoothing) and 0 <= smoothing <= 0.999 else None,
        tuple(h for h in hidden if isinstance(h, str)) if isinstance(hidden, list) else (),
        x_mode if x_mode in X_MODES else None,
    )


def save_remembered(logdir: str, state: Remembered) -> bool:
    """Write ``state`` for ``logdir`` (temp file, then rename); False when the cache cannot be written."""
    path = state_path(logdir)
    data = {"logdir": _logdir_key(logdir), **asdict(state), "hidden": sorted(state.hidden)}
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=os.path.dirname(path))
        try:
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as f:
                json.dump(data, f, ensure_ascii=True)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False
    return True


class Memory:
    """The choices kept for one logdir across sessions (``enabled``: the command line keeps them; tests
    and scripts start from the defaults): :attr:`last` is what was restored, :meth:`keep` writes a
    change, and only a change."""

    def __init__(self, logdir: str, *, enabled: bool) -> None:
        self.logdir, self.enabled = logdir, enabled
        self.last = (load_remembered(logdir) if enabled else None) or Remembered()

    def keep(self, now: Remembered) -> None:
        if self.enabled and now != self.last:
            self.last = now
            save_remembered(self.logdir, now)
