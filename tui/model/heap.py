"""Freed memory given back to the system, where the C allocator keeps it otherwise (glibc).

A load leaves every batch's columns pending in its series (views, no copy: see ``model.series``)
and packs each series into one array once everything has been read. glibc's malloc serves the
batches' arrays, a few hundred KB each, from its heap, between the decoder's temporaries; once
its dynamic mmap threshold has risen (it does at the first large free) it serves the packed
columns, megabytes each, from the heap too. The holes the temporaries left, and then the batches
freed by packing, are too small for the next packed columns, and glibc gives freed heap memory
back to the system only from the heap's top: a 1 GB logdir read in one process held 880 MB
resident for 461 MB of columns, the rest free but kept. ``malloc_trim`` returns every free page
of every arena. The logdir calls :func:`give_back` when the first packing starts and
:func:`freed` for each run it packs: that load's peak is 613 MB (its reading's high-water mark).
Not while reading: the pages given back are faulted in again, zeroed, when the decoder reuses
them, and every 64 MB read cost 0.5 s of system time per GB for 25 MB less.
Elsewhere (other C libraries, other systems) nothing is done.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

#: Bytes freed between two calls of :func:`give_back` by :func:`freed` (each call costs a few ms).
EVERY_BYTES = 64 << 20


def _find_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None. Looked up by glibc's soname first: ``find_library`` runs
    ``ldconfig -p`` in a child process (10 ms at every start of a command that never needed it)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        try:
            libc = ctypes.CDLL("libc.so.6")
        except OSError:
            import ctypes.util

            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # glibc only (musl has none)
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


_UNKNOWN = object()
#: malloc_trim once looked up (on the first :func:`give_back`; tests replace it).
_trim: Callable[[int], int] | object | None = _UNKNOWN
_lock = threading.Lock()
_freed_since = 0


def give_back() -> bool:
    """Return the allocator's free pages to the system; whether the allocator can (glibc)."""
    global _trim
    if _trim is _UNKNOWN:
        _trim = _find_trim()
    if _trim is None:
        return False
    _trim(0)  # type: ignore[operator]
    return True


def freed(n: int) -> None:
    """Count ``n`` bytes freed (a chunk read and decoded, batches packed); every
    :data:`EVERY_BYTES` of them, :func:`give_back`. Many small runs cost one call, not one each."""
    global _freed_since
    with _lock:
        _freed_since += n
        if _freed_since < EVERY_BYTES:
            return
        _freed_since = 0
    give_back()
