"""The reopen cache: what was read from a run's event files, kept outside the logdir for the next open.

A second ``tbtui`` on the same logdir should cost nothing: the entry of each run holds everything the
reading left behind (every series' columns, each tag's metadata, graphs, and each file's reader: the
byte offset read, its identity, the problems found, an incomplete record's state) plus where the run
is in TensorBoard's file order (``_FileOrder``: the file being read, the files left behind and their
sizes then). On reopen the columns are memory-mapped (see :mod:`tui.model.cachefile`) and reading
goes on from each file's offset: only bytes written since are read.

**One entry per run, checked file by file.** A run's points are not a function of one file: a
restart purge in a later file drops points of earlier ones, and TensorBoard reads the files strictly
one after another. So the entry is the run's state after its files, keyed by the run's folder, and it
is used only when a cold read would reach exactly that state on the way: every file it read is still
there and is the same file (device and inode, a size no smaller, the same first and last bytes read);
files the order has left behind have not changed at all; files that appeared since sort after all of
them (a file that sorts earlier would have been read earlier). Anything else is a cold read of that
run. An entry is only written in a state a cold read also passes through: no file replaced, none
written to after the order left it, nothing read ahead and not yet ingested.

Entries also carry a fingerprint of the reading code (``tui/model``, ``tui/tfevents``): a tbtui that
reads differently, or stores series differently, never restores another's objects.

Remote logdirs (``s3://``, ``ssh://``...) are keyed by URL, and each object by the identity its
listing gives (ETag, generation or mtime, with the size). Object stores do not append: an object
that changed is a new object, so a run is restored only when none of its objects changed (no request
but the listing); a run whose object changed is read cold, the others still come from the cache.
What the storage last served of each object (its end and last bytes) comes back with it, so growth
seen later in the session is still told apart from a rewrite.

Entries live in ``reads/`` under the user's cache directory (:func:`tui.model.cachedir.cache_dir`), at most
:data:`DEFAULT_LIMIT` bytes in all (``TBTUI_CACHE_MAX``, e.g. ``500M``), least recently used first out.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.model import cachefile
from tui.model.cachedir import cache_dir
from tui.model.logdir import Logdir
from tui.model.run import Run
from tui.tfevents.records import RecordReader

__all__ = ["DEFAULT_LIMIT", "CacheStats", "ReadCache", "cache_limit", "clear", "stats"]

#: Bytes of entries kept at most, unless ``TBTUI_CACHE_MAX`` says otherwise.
DEFAULT_LIMIT = 4 << 30
#: Bumped whenever the entry's layout (not the series' own) changes.
_FORMAT = 2
#: Bytes hashed at each end of what a file's reader read (its first record's are the reader's own).
_EDGE = 4096
#: A temporary file older than this is a writer that died: removed when the cache is trimmed.
_STALE_TMP = 3600.0
_SUFFIX = ".tbc"
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def reads_dir() -> str:
    return cache_dir("reads")


def cache_limit() -> int:
    """The size limit: ``TBTUI_CACHE_MAX`` (bytes, or with a K/M/G/T suffix) or :data:`DEFAULT_LIMIT`."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", os.environ.get("TBTUI_CACHE_MAX", ""), re.I)
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()]) if m else DEFAULT_LIMIT


def _code_fingerprint() -> str:
    """A hash of the reading code: entries written by other code are never restored."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        h = hashlib.blake2b(f"format {_FORMAT}".encode(), digest_size=16)
        root = Path(__file__).resolve().parent.parent
        for sub in ("model", "tfevents"):
            for p in sorted((root / sub).rglob("*.py")):
                h.update(str(p.relative_to(root)).encode())
                h.update(p.read_bytes())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


_FINGERPRINT: str | None = None


def _digest(path: str, start: int, end: int) -> str:
    """Hash of the file's bytes [start, end) ('' when they cannot be read whole)."""
    try:
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read(end - start)
    except OSError:
        return ""
    return hashlib.blake2b(data, digest_size=16).hexdigest() if len(data) == end - start else ""


def _edges(path: str, offset: int) -> str:
    """The file's identity beyond its inode: its first and last bytes up to ``offset``."""
    return _digest(path, 0, min(offset, _EDGE)) + _digest(path, max(0, offset - _EDGE), offset)


class ReadCache:
    """Restores runs from their entries and saves them back; one per :class:`Logdir`.

    :attr:`restored` names the runs that came from the cache (tests and benchmarks look); what was
    read after a restore is counted by the logdir's refreshes, as any read.
    """

    def __init__(self, folder: str | None = None, limit: int | None = None) -> None:
        self.folder = folder or reads_dir()
        self.limit = cache_limit() if limit is None else limit
        self.restored: list[str] = []
        #: run name -> a token of its state when last restored or saved (unchanged: not rewritten).
        self._saved: dict[str, tuple] = {}

    def _entry(self, run_dir: str) -> str:
        key = hashlib.blake2b(os.fsencode(run_dir), digest_size=16).hexdigest()
        return os.path.join(self.folder, key + _SUFFIX)

    # -- restore --------------------------------------------------------------------------------

    def restore(self, logdir: Logdir, name: str, paths: list[str]) -> Run | None:
        """The run ``name`` (its event files ``paths``) as its entry left it, or None: read it cold.

        Installs the run's place in the file order on ``logdir``. Never raises for a bad entry.
        """
        if not paths:
            return None
        run_dir = _run_dir(logdir, paths[0])
        entry = self._entry(run_dir)
        try:
            tree = cachefile.read_entry(entry)
            run = self._check(tree, logdir, name, run_dir, paths)
        except Exception:  # an entry of another shape is never trusted, nor allowed to break a read
            return None
        if run is None:
            return None
        with contextlib.suppress(OSError):
            os.utime(entry)  # least recently used is judged by mtime
        run.name = name
        for p, r in run.files.items():
            r.chunk_bytes = logdir.chunk_bytes
            if logdir.storage is not None:
                r.source = logdir.storage
                served = tree["files"][list(run.files).index(p)]["served"]
                if served is not None:
                    logdir.storage.resume(p, *served)
        logdir.adopt(run, tree["order"])
        self.restored.append(name)
        self._saved[name] = _token(run)
        return run

    def _check(self, tree: Any, logdir: Logdir, name: str, run_dir: str, paths: list[str]) -> Run | None:
        """The entry's run if a cold read of the files as they are now would pass through its state."""
        if (
            tree["code"] != _code_fingerprint()
            or tree["run_dir"] != run_dir
            or tree["check_crc"] != logdir.check_crc
        ):
            return None
        run = tree["run"]
        if not isinstance(run, Run) or not all(isinstance(r, RecordReader) for r in run.files.values()):
            return None
        cached = list(run.files)
        if not set(cached) <= set(paths) or any(p <= max(cached) for p in paths if p not in run.files):
            return None  # a file gone, or one that would have been read before others
        if logdir.storage is not None:
            # An object store has no appends: a changed identity is a new object, maybe the same
            # bytes and more, maybe not. Only unchanged objects are taken; a run with one that
            # changed is read cold (its unchanged runs still come from the cache).
            storage = logdir.storage
            same = [
                storage.identity(p) == st["ident"] and not storage.replaced(p)
                for p, st in zip(cached, tree["files"], strict=True)
            ]
            return run if all(same) else None
        order_paths = sorted(p for p in cached if not p.endswith(".profile-empty"))
        at = tree["order"]["at"]
        for p, st in zip(cached, tree["files"], strict=True):
            r = run.files[p]
            try:
                now = os.stat(p)
            except OSError:
                return None
            if r.ident is not None and (now.st_dev, now.st_ino) != r.ident:
                return None
            if now.st_size < r.offset or _edges(p, r.offset) != st["edges"]:
                return None
            behind = p in order_paths and order_paths.index(p) < at
            if behind and r._look != (now.st_size, now.st_mtime_ns):
                return None  # a cold read would read what a file left behind gained since
        return run

    # -- save -----------------------------------------------------------------------------------

    def save(self, logdir: Logdir, until: Callable[[], bool] | None = None) -> int:
        """Write the entry of every run whose state changed and is one a cold read passes through.

        Returns the entries written. Never raises: a run that cannot be stored (a value the format
        does not hold, a full disk) is simply not cached. ``until``: asked before each entry, a
        true answer ends the save there (the next one goes on where it stopped: what was written
        is not written again); 2,000 entries are seconds of CPU the UI's keys would wait behind.
        """
        written = 0
        for name, run in list(logdir.runs.items()):
            token = _token(run)
            if self._saved.get(name) == token:
                continue
            if until is not None and until():
                break
            tree = self._tree(logdir, run)
            if tree is None:
                continue
            try:
                cachefile.write_entry(self._entry(tree["run_dir"]), tree)
            except Exception:  # a value the format does not hold, a full disk: the run is read cold
                continue
            self._saved[name] = token
            written += 1
        if written:
            trim(self.folder, self.limit)
        return written

    def _tree(self, logdir: Logdir, run: Run) -> dict | None:
        """The entry for ``run``, or None when its state is not one a cold read would reach."""
        paths = list(run.files)
        if not paths or run.gone or paths != sorted(paths):
            return None
        if len({_run_dir(logdir, p) for p in paths}) != 1:
            return None
        order = logdir.order_state(run)
        if order["reported"]:
            return None  # bytes a cold read would read were left unread (TensorBoard's order)
        for p, r in run.files.items():
            if r.replaced or r._prefetch is not None:
                return None  # replaced (the run is read again anyway), or read ahead
            if order["taken"].get(p, r.offset) != r.offset:
                return None  # records read but not ingested yet
        storage = logdir.storage
        if storage is not None:
            files = [{"ident": storage.identity(p), "served": storage.served(p)} for p in paths]
            if any(f["ident"] is None for f in files):
                return None
        else:
            files = [{"edges": _edges(p, r.offset)} for p, r in run.files.items()]
        return {
            "code": _code_fingerprint(),
            "run_dir": _run_dir(logdir, paths[0]),
            "check_crc": logdir.check_crc,
            "saved": time.time(),
            "run": run,
            "files": files,
            "order": order,
        }


def _run_dir(logdir: Logdir, path: str) -> str:
    """What names a run's entry: its folder's absolute path, or its URL's folder (remote)."""
    return posixpath.dirname(path) if logdir.remote else os.path.abspath(os.path.dirname(path))


def _token(run: Run) -> tuple:
    """What changes whenever a run's state does: its version and every reader's position."""
    return (run.version, tuple((p, r.offset, r.records, len(r.problems)) for p, r in run.files.items()))


# -- the whole cache ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CacheStats:
    path: str
    entries: int
    bytes: int
    limit: int


def _entries(folder: str) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return [e for e in it if e.is_file(follow_symlinks=False)]
    except OSError:
        return []


def stats(folder: str | None = None) -> CacheStats:
    """How many entries the cache holds and their bytes (temporary files of live writers included)."""
    folder = folder or reads_dir()
    entries = _entries(folder)
    size = 0
    for e in entries:
        with contextlib.suppress(OSError):
            size += e.stat(follow_symlinks=False).st_size
    return CacheStats(folder, sum(e.name.endswith(_SUFFIX) for e in entries), size, cache_limit())


def clear(folder: str | None = None) -> int:
    """Remove every entry (and leftover temporary file); returns the bytes freed."""
    freed = 0
    for e in _entries(folder or reads_dir()):
        try:
            size = e.stat(follow_symlinks=False).st_size
            os.unlink(e.path)
            freed += size
        except OSError:
            pass
    return freed


def trim(folder: str, limit: int) -> None:
    """Remove the least recently used entries until the rest fit ``limit``, and dead writers' files."""
    now = time.time()
    live: list[tuple[float, int, str]] = []
    for e in _entries(folder):
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        if e.name.endswith(".tmp"):
            if now - st.st_mtime > _STALE_TMP:
                _unlink(e.path)
            continue
        live.append((st.st_mtime, st.st_size, e.path))
    total = sum(size for _, size, _ in live)
    for _, size, path in sorted(live):
        if total <= limit:
            break
        _unlink(path)
        total -= size


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
