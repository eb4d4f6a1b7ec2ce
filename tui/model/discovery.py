"""Finding runs under a local logdir as TensorBoard finds them: every folder that directly holds an
event file is a run, named by its path below the logdir.

Kept apart from reading (logdir.py) because it has its own costs and hazards: a tree of 10,000 run
folders, link cycles, folders too deep to recurse into, kernel pseudo-filesystems. Remote logdirs
are listed by ``model.storage``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass


def is_event_file(name: str) -> bool:
    """TensorBoard's rule: any file whose basename contains 'tfevents'."""
    return "tfevents" in name


#: Directories more than this many levels below the logdir are not searched. (os.walk recursed and
#: died near 990 levels; real logdirs are a handful deep.)
MAX_DEPTH = 100
#: Directory links are followed (people link runs in), but never to the whole machine or into the
#: kernel's pseudo-filesystems, which are endless or huge and hold no runs.
_NEVER_FOLLOW = ("/proc", "/dev", "/sys")
#: Seconds between two progress reports of a walk (see :meth:`Discovery.walk`).
PROGRESS_SECONDS = 0.25
#: A listing younger than this may miss a change made in the same mtime tick (coarse-clock file
#: systems have 1-2 s ticks), so it is not trusted until it is older.
_RACY_SECONDS = 2.0


@dataclass(slots=True)
class _Listing:
    """One directory's relevant entries, valid while its mtime stays ``mtime_ns``."""

    mtime_ns: int
    path: str  # where it was listed from: the children's paths below are built on it
    children: list[tuple[str, str]]  # (path, run-style relative name) of each subdirectory to visit
    files: list[str]  # event file paths
    problems: list[str]


class Discovery:
    """Finds runs under a logdir and remembers each directory's listing by its mtime.

    A directory's mtime changes whenever an entry is added, removed or renamed in it, so a walk
    over an unchanged tree costs one ``stat`` per directory and lists nothing. The walk is an
    explicit stack bounded to MAX_DEPTH levels; links are followed except into ``/``, the kernel
    pseudo-filesystems and the logdir's own ancestors, and no real directory is visited twice, so
    symlink cycles end. What could not be searched is said in :attr:`problems`.
    """

    def __init__(self, root: str) -> None:
        self.root = root
        self.problems: list[str] = []
        self._cache: dict[tuple[int, int], _Listing] = {}

    def walk(self, progress: Callable[[int], None] | None = None) -> dict[str, list[str]]:
        """Map run name -> sorted event file paths, for every folder that directly holds one.

        ``progress(runs found so far)`` is called every :data:`PROGRESS_SECONDS` of a long walk (a
        sweep of thousands of folders over NFS takes seconds before anything can be read).
        """
        runs: dict[str, list[str]] = {}
        problems: list[str] = []
        cache: dict[tuple[int, int], _Listing] = {}
        if not os.path.isdir(self.root):
            self.problems, self._cache = problems, cache
            return runs
        ancestors = _ancestors(os.path.realpath(self.root))
        seen: set[tuple[int, int]] = set()
        too_deep = False
        trusted_before = time.time_ns() - int(_RACY_SECONDS * 1e9)
        stack: list[tuple[str, str, int]] = [(self.root, ".", 0)]
        next_progress = time.monotonic() + PROGRESS_SECONDS
        while stack:
            if progress is not None and time.monotonic() >= next_progress:
                progress(len(runs))
                next_progress = time.monotonic() + PROGRESS_SECONDS
            path, rel, depth = stack.pop()
            try:
                st = os.stat(path)
            except FileNotFoundError:
                continue  # removed since its parent was listed
            except OSError as e:
                problems.append(f"cannot look into {rel}: {e.strerror or e}")
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:
                continue
            seen.add(key)
            listing = self._cache.get(key)
            if listing is None or listing.mtime_ns != st.st_mtime_ns or listing.path != path:
                listing = _list(path, rel, ancestors, st.st_mtime_ns)
                if listing is None:
                    problems.append(f"cannot list {rel}: permission denied; runs under it are not shown")
                    continue
            if st.st_mtime_ns < trusted_before:
                cache[key] = listing
            if listing.problems:
                problems.extend(listing.problems)
            if listing.files:
                runs[rel] = listing.files
            if listing.children:
                if depth >= MAX_DEPTH:
                    too_deep = True
                    continue
                stack.extend((p, r, depth + 1) for p, r in reversed(listing.children))
        if too_deep:
            problems.append(f"directories more than {MAX_DEPTH} levels deep are not searched")
        self.problems, self._cache = problems, cache
        return runs


def _ancestors(real: str) -> set[str]:
    out = set()
    while True:
        parent = os.path.dirname(real)
        if parent == real:
            return out
        out.add(parent)
        real = parent


def _list(path: str, rel: str, ancestors: set[str], mtime_ns: int) -> _Listing | None:
    """The sorted subdirectories and event files of one directory (None if it cannot be listed)."""
    subdirs: list[str] = []
    files: list[str] = []
    problems: list[str] = []
    try:
        with os.scandir(path) as it:
            entries = list(it)
    except OSError:
        return None
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            if is_event_file(e.name):
                files.append(e.name)
            continue
        if e.is_symlink():
            real = os.path.realpath(e.path)
            why = _unfollowable(real, ancestors)
            if why:
                where = e.name if rel == "." else f"{rel}/{e.name}"
                problems.append(f"link {where} -> {real} not followed ({why})")
                continue
        subdirs.append(e.name)
    prefix = "" if rel == "." else f"{rel}/"
    # Paths joined by hand: os.path.join was a fifth of a 10,000-run walk.
    base = path if path.endswith(os.sep) else path + os.sep
    subdirs.sort()
    files.sort()
    children = [(base + d, prefix + d) for d in subdirs]
    return _Listing(mtime_ns, path, children, [base + f for f in files], problems)


def _unfollowable(real: str, ancestors: set[str]) -> str:
    if real == os.path.sep:
        return "the root of the file system"
    if any(real == d or real.startswith(d + os.path.sep) for d in _NEVER_FOLLOW):
        return "a kernel pseudo-filesystem"
    if real in ancestors:
        return "it holds the logdir"
    return ""


def discover(logdir: str) -> dict[str, list[str]]:
    """Map run name -> sorted event file paths, for every folder that directly holds one.

    Directory symlinks are followed (people link runs in), but no real directory is visited twice,
    so symlink cycles end. A missing logdir simply has no runs yet.
    """
    return Discovery(logdir).walk()
