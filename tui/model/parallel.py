"""Cold reads of big runs in worker processes, handed back as reopen-cache entries.

Reading is CPU-bound (framing, CRCs, decoding) and one process holds one GIL, so a logdir of many
big runs read in the app's loader thread (or by a CLI command) uses about one core. Runs are
independent (TensorBoard's order and purges are per run), so a big run can be read whole by another
process and its state handed back: the worker reads it with the very code a serial read uses
(``Logdir``, one run, to the end) and writes the run's state as a cache entry file
(:mod:`tui.model.cachefile`, arrays laid out for mapping, no checksum: the file lives for a moment
and is read once by the process that asked for it); the parent maps it and adopts the run exactly as
the reopen cache restores one (``Logdir.adopt``). Only the file's name and a byte count cross the
pipe; the columns are not copied again in the parent, whose pages are the file's.

Costs and limits, which decide when this is used (``Logdir`` decides, see ``MIN_RUN_BYTES``):

- Workers are forked from a ``forkserver`` that has imported the reading code once (not ``fork``:
  the app has threads, and a fork of a process with threads may copy a lock held by one of them).
  Starting it costs a Python start and the imports, about 0.3-0.5 s of one core, so small logdirs
  keep the in-process path.
- Entries are written to ``/dev/shm`` when it has room (memory: no write-back to disk), else to the
  temporary folder; never into the logdir. Each is unlinked as soon as it is mapped; folders left by
  a process that was killed are removed by the next pool's start.
- Remote logdirs (fsspec) are read in-process: their byte source (a session, a prefetcher, what
  was served of each object) lives in the parent.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import Any

# (tempfile, shutil and the cache file format are imported where a pool uses them: a load that
# starts no workers, any load of one run, never needs them, and every command start paid 8 ms.)

__all__ = ["SHM", "RunPool", "default_workers", "hand_over", "take_over"]

#: Where hand-over files go first when it has room (a tmpfs on Linux).
SHM = "/dev/shm"
#: Workers at most, however many cores: each holds one run's columns while it reads.
MAX_WORKERS = 4
_PREFIX = "tbtui-read-"


def default_workers(*, reading_here: bool = True) -> int:
    """Worker processes for cold reads: ``TBTUI_WORKERS`` if set (0: read in-process), else as
    many as the cores this process may run on (at most :data:`MAX_WORKERS`), one fewer when this
    process reads runs too (``reading_here``, see ``Logdir._take_back_one``): more readers than
    cores only take turns (each already keeps a second thread busy reading ahead). None with a
    single core."""
    env = os.environ.get("TBTUI_WORKERS", "").strip()
    if env.isdigit():
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores - reading_here, MAX_WORKERS)


def _start_worker(nice: int) -> None:
    """Each worker's first act: step back by ``nice`` so the app's UI thread keeps its core, and
    write nothing where the app draws (its stdout and stderr are the terminal's): a warning printed
    by a worker would land in the middle of the screen. What fails reaches the parent as the
    exception of its read."""
    if nice:
        with contextlib.suppress(OSError, AttributeError):
            os.nice(nice)
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)


class RunPool:
    """A pool of worker processes for whole-run reads, with the folders their hand-overs go to.

    ``submit(fn, job)`` runs ``fn(job, folders)`` in a worker; ``fn`` must be a module-level function
    of a module the forkserver imported (``preload``). :meth:`close` stops the workers and removes
    the folders (and any hand-over not taken).
    """

    def __init__(self, workers: int, *, preload: list[str], nice: int = 0) -> None:
        # Imported here, when a pool starts: multiprocessing and the process pool cost a command
        # that reads in-process (one run, a small logdir) 20 ms of its start for nothing.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _sweep()
        self.folders = _make_folders()
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(preload)
        with _quiet_start():  # (its queues' locks start multiprocessing's resource tracker)
            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_start_worker, initargs=(nice,)
            )
        self._workers = workers
        self._lock = threading.Lock()
        self._waiting: deque[tuple[Future, Callable[[Any, list[str]], Any], Any]] = deque()
        self._busy = 0  # jobs given to the process pool and not finished
        self._closed = False
        # Jobs go to the process pool from this thread: the first one starts the forkserver and a
        # worker (a Python start and the imports, about half a second), which nobody waits for.
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tbtui-workers")

    def submit(self, fn: Callable[[Any, list[str]], Any], job: Any) -> Future:
        """A future of ``fn(job, folders)`` run in a worker, returned at once.

        Jobs wait here, in the order submitted, until a worker is free: one job per worker at a
        time. A job waiting can be cancelled (``Future.cancel``) and read by the caller instead,
        up to the moment a worker takes it; given to the process pool at once, the pool's queue
        would hold one more than its workers run, out of the caller's reach, and the caller,
        done with its own runs, would wait for that one's worker to read it after the one it
        reads (on two cores, 10 runs read 6 by the worker and 4 here).
        """
        proxy: Future = Future()
        with self._lock:
            self._waiting.append((proxy, fn, job))
        self._kick()
        return proxy

    def _kick(self) -> None:
        with contextlib.suppress(RuntimeError):  # (closed: no more jobs start)
            self._starter.submit(self._dispatch)

    def _dispatch(self) -> None:
        """Give waiting jobs to the process pool while workers are free (on the starter thread)."""
        while True:
            with self._lock:
                if self._closed or self._busy >= self._workers or not self._waiting:
                    return
                proxy, fn, job = self._waiting.popleft()
                if not proxy.set_running_or_notify_cancel():
                    continue  # taken back by the caller
                self._busy += 1
            try:
                real = self._start(fn, job)
            except BaseException as e:  # a broken pool, no processes to be had: the caller reads it
                with self._lock:
                    self._busy -= 1
                proxy.set_exception(e)
                continue
            real.add_done_callback(functools.partial(self._finished, proxy))

    def _start(self, fn: Callable[[Any, list[str]], Any], job: Any) -> Future:
        # A worker process (and the forkserver, the first time) starts inside submit().
        with _quiet_start():
            return self._pool.submit(fn, job, self.folders)

    def _finished(self, proxy: Future, real: Future) -> None:
        with self._lock:
            self._busy -= 1
        error = CancelledError() if real.cancelled() else real.exception()
        if error is None:
            proxy.set_result(real.result())
        else:
            proxy.set_exception(error)
        self._kick()

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers once their reads are done; with ``kill``, now (reads abandoned: an app
        quitting must not wait for a worker to finish a gigabyte at exit). Jobs still waiting are
        cancelled."""
        with self._lock:
            self._closed = True
            waiting, self._waiting = list(self._waiting), deque()
        for proxy, _, _ in waiting:
            proxy.cancel()
        self._starter.shutdown(wait=True)  # a worker being started is known before it is stopped
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        if kill:
            for proc in processes:
                with contextlib.suppress(OSError, AttributeError, ValueError):
                    proc.terminate()
            # Gone before their folders go: a worker still writing would make its folder again.
            for proc in processes:
                with contextlib.suppress(OSError, AttributeError, ValueError, AssertionError):
                    proc.join(5.0)
        import shutil

        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


_main_lock = threading.Lock()


@contextlib.contextmanager
def _quiet_start() -> Iterator[None]:
    """Start processes without telling them the parent's ``__main__`` or its ``sys.stderr``.

    multiprocessing has each new process import the parent's main script again (as
    ``__mp_main__``) so that functions defined there can be called; with ``forkserver`` that is
    done in every worker, since Python 3.11's forkserver never gets the path it would preload.
    For tbtui the script is the ``tbtui`` entry point, which imports the whole CLI: 0.4 s of a
    core per worker for nothing, as what workers run lives in ``tui.model``. With no ``__file__``
    and a ``__spec__`` of None on ``__main__``, the preparation data names no main to import.

    Its resource tracker passes on ``sys.stderr.fileno()``: under Textual, whose stand-in for
    ``sys.stderr`` answers -1, starting it fails (``bad value(s) in fds_to_keep``). A stand-in
    with no descriptor at all is skipped.
    """
    main = sys.modules.get("__main__")
    with _main_lock:
        saved = (
            {k: main.__dict__.pop(k) for k in ("__file__", "__spec__") if k in main.__dict__} if main else {}
        )
        if main is not None:
            main.__spec__ = None
        err = sys.stderr
        if not _has_fd(err):
            sys.stderr = io.StringIO()
        try:
            yield
        finally:
            if sys.stderr is not err and isinstance(sys.stderr, io.StringIO):
                sys.stderr = err
            if main is not None:
                del main.__spec__
                main.__dict__.update(saved)


def _has_fd(stream: Any) -> bool:
    """Whether ``stream`` names a usable descriptor (or says it has none, which is as good)."""
    try:
        fd = stream.fileno()
    except Exception:
        return True
    return isinstance(fd, int) and fd >= 0


def _make_folders() -> list[str]:
    """A private folder in /dev/shm (when it is a folder we may write) and one in the temp folder."""
    import tempfile

    folders = []
    for base in (SHM, tempfile.gettempdir()):
        if base in (os.path.dirname(f) for f in folders):
            continue
        with contextlib.suppress(OSError):
            folders.append(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=base))
    return folders


def _sweep() -> None:
    """Remove hand-over folders of processes that are gone (killed before they could clean up)."""
    import shutil
    import tempfile

    for base in (SHM, tempfile.gettempdir()):
        try:
            names = os.listdir(base)
        except OSError:
            continue
        for name in names:
            if not name.startswith(_PREFIX):
                continue
            pid = name[len(_PREFIX) :].partition("-")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                shutil.rmtree(os.path.join(base, name), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive, not ours to judge
    return True


def hand_over(tree: Any, folders: list[str], size_hint: int) -> str:
    """Worker side: write ``tree`` as an entry file in the first folder with room; its path.

    ``size_hint`` (the bytes read) bounds the entry's size well enough to keep a tmpfs from filling:
    a folder is used only when its free space is twice that; the last one is tried regardless.
    """
    last: OSError | None = None
    for i, folder in enumerate(folders):
        if i < len(folders) - 1:
            try:
                st = os.statvfs(folder)
            except OSError:
                continue
            if st.f_bavail * st.f_frsize < 2 * size_hint + (64 << 20):
                continue
        path = os.path.join(folder, os.urandom(16).hex() + ".tbc")
        try:
            from tui.model import cachefile

            cachefile.write_entry(path, tree, checksum=False)
        except OSError as e:
            last = e
            continue
        return path
    raise last or OSError("no folder to hand a run over in")


def take_over(path: str) -> Any:
    """Parent side: the tree a worker handed over at ``path``, mapped; the file is unlinked (its
    pages live on in the mapping)."""
    from tui.model import cachefile

    try:
        return cachefile.read_entry(path, verify=False)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
