"""The real app in a real pseudo-terminal, watched byte by byte: shared by terminal_bytes.py and soak.py.

Why a pty and not Textual's headless Pilot: the numbers these benchmarks report (bytes per
update, bytes while idle, key-to-screen latency) are about what reaches the terminal, and only a
pty sees Textual's real driver: its escape sequences, its diffing, its writer thread. The
master side here plays the terminal. It never answers the app's queries (Textual asks about
synchronized output and in-band resize), like a plain xterm that does not know them, so every
checkout under test is treated the same.

Everything the app writes is read by one background thread and logged as (time, byte count)
chunks, so a caller can ask "how many bytes between t0 and t1", "when did the first byte after
t arrive", or "wait until nothing has been written for N ms" without ever sleeping and hoping.

Nothing here imports tbtui: the checkout under test is only ever run as a child process with
``PYTHONPATH=<checkout>``, so an old release can be measured next to the current tree.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

#: Environment variables that would make the child see a different terminal than the one we
#: emulate (a size from COLUMNS/LINES, truecolour, no colour, a multiplexer, a graphics terminal).
_SCRUB = (
    "COLUMNS",
    "LINES",
    "COLORTERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "TMUX",
    "STY",
    "TERM_PROGRAM",
    "KITTY_WINDOW_ID",
    "TEXTUAL",
    "TEXTUAL_DRIVER",
    "TEXTUAL_FPS",
    "PYTHONPATH",
)


def child_env(checkout: Path, scratch: Path, term: str = "xterm-256color") -> dict[str, str]:
    """The environment the app runs in: this process's, minus anything that changes the terminal.

    ``scratch`` becomes the app's cache/config home, so remembered state (last tag, hidden runs)
    from a user's own sessions cannot change what is measured, and nothing is left behind.
    """
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
    env.update(
        TERM=term,
        PYTHONPATH=str(checkout),
        XDG_CACHE_HOME=str(scratch / "cache"),
        XDG_CONFIG_HOME=str(scratch / "config"),
        PYTHONUNBUFFERED="1",
    )
    return env


def app_argv(logdir: Path, extra: Sequence[str] = ()) -> list[str]:
    """``python -m tui.cli LOGDIR``: the app of whatever ``tui`` is first on PYTHONPATH."""
    return [sys.executable, "-m", "tui.cli", str(logdir), *extra]


def check_checkout(checkout: Path, env: dict[str, str], cwd: Path) -> str:
    """Fail loudly unless ``import tui`` in the child resolves to ``checkout``.

    The shared venv holds an editable install of another tree; a benchmark that silently measured
    that one instead of the checkout it names would be worse than none.
    """
    out = subprocess.run(
        [sys.executable, "-c", "import tui, os; print(os.path.realpath(tui.__file__))"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if out.returncode != 0:
        raise HarnessError(f"cannot import tui from {checkout}: {out.stderr.strip()[-500:]}")
    got = Path(out.stdout.strip())
    want = (Path(os.path.realpath(checkout)) / "tui" / "__init__.py").resolve()
    if got != want:
        raise HarnessError(f"import tui gives {got}, not {want}: the checkout would not be measured")
    return str(got)


def checked_env(checkout: Path, scratch: Path, term: str = "xterm-256color") -> dict[str, str]:
    """:func:`child_env`, after :func:`check_checkout` proved it runs the app of ``checkout``."""
    env = child_env(checkout, scratch, term)
    check_checkout(checkout, env, scratch)
    return env


class HarnessError(RuntimeError):
    """The benchmark itself could not measure (the app did not start, died, or a tool failed)."""


class PtyApp:
    """A child process on a pty of a given size, with every byte it writes logged as it arrives.

    Use as a context manager: leaving it (normally, on an exception or on Ctrl-C) kills the
    child's whole session and closes the pty. ``keep``: how many of the latest bytes to remember
    (:meth:`tail`); ``record``: remember all of them, for :meth:`data_between` (a dump of what
    one update wrote, to see what it repaints).
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int,
        rows: int,
        env: dict[str, str] | None = None,
        cwd: str | Path | None = None,
        keep: int = 1 << 20,
        record: bool = False,
    ) -> None:
        self.argv = list(argv)
        self.cols, self.rows = cols, rows
        self.env = dict(os.environ if env is None else env)
        self.cwd = str(cwd) if cwd is not None else None
        self._keep = keep
        self._record: list[bytes] | None = [] if record else None  # every chunk, when asked
        self.pid = -1
        self.fd = -1
        self.returncode: int | None = None
        self.started = 0.0
        # Arrival log: parallel lists, times ascending; _cum[i] = bytes in chunks 0..i.
        self._times: list[float] = []
        self._cum: list[int] = []
        self._tail = bytearray()  # the last ``keep`` bytes, for sanity checks and error messages
        self._eof = False
        self._cond = threading.Condition()
        self._reader: threading.Thread | None = None
        self._stop_reading = threading.Event()

    # -- lifetime -------------------------------------------------------------------------------

    def start(self) -> PtyApp:
        size = struct.pack("HHHH", self.rows, self.cols, 0, 0)
        argv, env, cwd = self.argv, self.env, self.cwd
        pid, fd = pty.fork()
        if pid == 0:  # child: only async-signal-safe-ish os calls until exec
            try:
                fcntl.ioctl(1, termios.TIOCSWINSZ, size)
                if cwd:
                    os.chdir(cwd)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.started = time.monotonic()
        self._reader = threading.Thread(target=self._read_loop, name="pty-reader", daemon=True)
        self._reader.start()
        return self

    def __enter__(self) -> PtyApp:
        return self.start() if self.pid < 0 else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def check_alive(self, when: str) -> None:
        """Raise :class:`HarnessError` with the app's last output if it has exited."""
        if not self.alive():
            tail = self.tail(1500).decode("utf-8", "replace")
            raise HarnessError(f"the app exited {when} (status {self.returncode}); its last output:\n{tail}")

    def wait_started(self, timeout: float, settle: float) -> None:
        """Wait for the first screen and then ``settle`` s of silence; raise if either never comes."""
        if self.first_output_after(self.started, timeout) is None:
            self.check_alive("at startup")
            raise HarnessError(f"the app wrote nothing in {timeout:.0f} s")
        if self.wait_quiet(settle, timeout) is None:
            raise HarnessError(f"the screen never settled ({settle} s of silence) at startup")
        self.check_alive("at startup")

    def alive(self) -> bool:
        """True while the child runs (reaps it, and records its exit status, once it is gone)."""
        if self.returncode is not None or self.pid < 0:
            return False
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.returncode = -1
            return False
        if pid == 0:
            return True
        self.returncode = os.waitstatus_to_exitcode(status)
        return False

    def stop(self, grace: float = 3.0) -> None:
        """End the child's session: SIGTERM, then SIGKILL after ``grace`` seconds; close the pty."""
        if self.pid > 0 and self.alive():
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.pid, sig)
                end = time.monotonic() + wait
                while self.alive() and time.monotonic() < end:
                    time.sleep(0.02)
                if not self.alive():
                    break
        self._stop_reading.set()
        if self._reader is not None:
            self._reader.join(timeout=2.0)
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1

    # -- reading --------------------------------------------------------------------------------

    def _read_loop(self) -> None:
        fd = self.fd
        while not self._stop_reading.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.1)
                if not ready:
                    continue
                data = os.read(fd, 65536)
            except (OSError, ValueError):  # EIO: the child closed its side
                data = b""
            now = time.monotonic()
            with self._cond:
                if not data:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self._times.append(now)
                self._cum.append((self._cum[-1] if self._cum else 0) + len(data))
                self._tail += data
                if self._record is not None:
                    self._record.append(data)
                if len(self._tail) > self._keep:
                    del self._tail[: len(self._tail) - self._keep]
                self._cond.notify_all()

    @property
    def total(self) -> int:
        """Bytes written by the child so far."""
        with self._cond:
            return self._cum[-1] if self._cum else 0

    @property
    def eof(self) -> bool:
        with self._cond:
            return self._eof

    def tail(self, n: int = 2000) -> bytes:
        """The last ``n`` bytes written (at most ``keep`` are remembered)."""
        with self._cond:
            return bytes(self._tail[-n:])

    def last_output(self) -> float | None:
        """Monotonic time of the latest chunk, or None before any output."""
        with self._cond:
            return self._times[-1] if self._times else None

    def bytes_between(self, t0: float, t1: float = float("inf")) -> int:
        """Bytes in chunks that arrived in (t0, t1]."""
        with self._cond:
            i = bisect_right(self._times, t0)
            j = bisect_right(self._times, t1)
            before = self._cum[i - 1] if i > 0 else 0
            upto = self._cum[j - 1] if j > 0 else 0
            return upto - before

    def chunks_between(self, t0: float, t1: float = float("inf")) -> list[tuple[float, int]]:
        """(arrival time, size) of every chunk in (t0, t1]."""
        with self._cond:
            i, j = bisect_right(self._times, t0), bisect_right(self._times, t1)
            return [(self._times[k], self._cum[k] - (self._cum[k - 1] if k else 0)) for k in range(i, j)]

    def data_between(self, t0: float, t1: float = float("inf")) -> bytes:
        """The bytes that arrived in (t0, t1]; only with ``record=True``."""
        if self._record is None:
            raise ValueError("PtyApp(record=True) keeps the data; this one only counts it")
        with self._cond:
            i, j = bisect_right(self._times, t0), bisect_right(self._times, t1)
            return b"".join(self._record[i:j])

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait (woken by each chunk, EOF or every 50 ms) until ``predicate()``; False on timeout."""
        end = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
            return True

    def first_output_after(self, t: float, timeout: float) -> float | None:
        """Arrival time of the first chunk after ``t``, waiting up to ``timeout`` s; None if none."""

        def arrived() -> bool:
            return (bool(self._times) and self._times[-1] > t) or self._eof

        if not self.wait_for(arrived, timeout):
            return None
        with self._cond:
            k = bisect_right(self._times, t)
            return self._times[k] if k < len(self._times) else None

    def wait_quiet(self, quiet: float, timeout: float, since: float | None = None) -> float | None:
        """Wait until nothing has arrived for ``quiet`` seconds; return when the last chunk came.

        The quiet period counts from the later of the last chunk and ``since`` (default: now), so
        a caller that has just written a key or a step is not told "quiet" before the app could
        even have answered. Returns the time of the last chunk before the silence (``since``
        if nothing came), or None when ``timeout`` passed without ``quiet`` seconds of silence.
        EOF counts as quiet.
        """
        since = time.monotonic() if since is None else since

        def settled() -> bool:
            last = max(self._times[-1] if self._times else since, since)
            return self._eof or time.monotonic() - last >= quiet

        if not self.wait_for(settled, timeout):
            return None
        with self._cond:
            return max(self._times[-1] if self._times else since, since)

    def recorded_from(self, index: int) -> list[tuple[float, bytes]]:
        """(arrival time, bytes) of every chunk from the ``index``-th on; only with ``record=True``."""
        if self._record is None:
            raise ValueError("PtyApp(record=True) keeps the data; this one only counts it")
        with self._cond:
            return list(zip(self._times[index:], self._record[index:], strict=True))

    # -- writing --------------------------------------------------------------------------------

    def write(self, data: bytes) -> float:
        """Send ``data`` as typed keys; returns the monotonic time just before the write."""
        t = time.monotonic()
        os.write(self.fd, data)
        return t


# -- what the terminal shows ------------------------------------------------------------------------

#: One screen row as a terminal shows it: (character, foreground, background, reverse, bold) a cell.
Row = tuple[tuple[str, str, str, bool, bool], ...]


class TermView:
    """What a terminal shows, from a recorded :class:`PtyApp`'s bytes replayed through pyte.

    Replayed chunk by chunk on request (:meth:`advance`), never while the app draws, so the
    benchmark's own terminal emulation takes no core from the app it measures. After each chunk
    the screen is a tuple of rows (text and the colours that show a cursor row), so a caller can
    ask when a part of the screen first reached a state, or last changed.
    """

    def __init__(self, app: PtyApp) -> None:
        import pyte  # the bench extra: a terminal emulator, only to read what a screen shows

        self.app = app
        self.screen = pyte.Screen(app.cols, app.rows)
        self.stream = pyte.ByteStream(self.screen)
        self._fed = 0  # chunks replayed so far
        self._rows: list[Row] = [self._row(y) for y in range(app.rows)]
        #: Arrival time of the last chunk replayed.
        self.at = 0.0

    def _row(self, y: int) -> Row:
        line = self.screen.buffer[y]
        cells = (line[x] for x in range(self.app.cols))
        return tuple((c.data, c.fg, c.bg, c.reverse, c.bold) for c in cells)

    def advance(self, until: float = float("inf")) -> Iterator[float]:
        """Replay the chunks that arrived up to ``until``, one at a time; yield each one's arrival
        time, with :attr:`rows` showing the screen right after it."""
        for when, data in self.app.recorded_from(self._fed):
            if when > until:
                return
            self.screen.dirty.clear()
            self.stream.feed(data)
            for y in self.screen.dirty:
                if 0 <= y < self.app.rows:
                    self._rows[y] = self._row(y)
            self._fed += 1
            self.at = when
            yield when

    def catch_up(self, until: float = float("inf")) -> None:
        """Replay everything that arrived up to ``until``."""
        for _ in self.advance(until):
            pass

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(self._rows)

    def text(self, y: int) -> str:
        return "".join(cell[0] for cell in self._rows[y])


def row_text(row: Row) -> str:
    return "".join(cell[0] for cell in row)


# -- measurement helpers ----------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation, as numpy's default; NaN if empty."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def loadavg() -> str:
    """``/proc/loadavg``'s 1/5/15-minute load and the CPU count, for printing next to numbers."""
    try:
        one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        return "load average unknown"
    return f"load average {one} {five} {fifteen} on {os.cpu_count()} CPUs"


def proc_rss_kb(pid: int) -> int | None:
    """VmRSS of ``pid`` in kB (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


_TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` (all its threads), from /proc/PID/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may hold spaces
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime (fields 14 and 15)


def git_label(path: Path) -> str:
    """``describe --always --dirty`` of the tree at ``path``, or its name when it is no git tree."""
    out = subprocess.run(
        ["git", "-C", str(path), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return out.stdout.strip() if out.returncode == 0 else path.name


def export_rev(repo: Path, rev: str, dest: Path) -> Path:
    """Write the ``tui`` package of ``rev`` (from ``repo``'s git) into ``dest``; return ``dest``.

    ``git archive`` instead of ``git worktree add``: the result is an ordinary temp directory,
    so an interrupted run leaves no worktree registered in the repository to prune.
    """
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", rev, "tui"], capture_output=True
    )
    if archive.returncode != 0:
        raise HarnessError(f"git archive {rev}: {archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A temp directory removed on the way out, whatever happens."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP unwind like Ctrl-C, so every ``finally`` (kill the app, rm temp) runs."""

    def raise_interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    old = {s: signal.signal(s, raise_interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def parse_size(text: str) -> tuple[int, int]:
    """``120x40`` -> (120, 40)."""
    try:
        cols, rows = (int(p) for p in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"size must look like 120x40, not {text!r}") from None
    if cols < 20 or rows < 8:
        raise ValueError(f"size {text} is too small for the app")
    return cols, rows


__all__ = [
    "HarnessError",
    "PtyApp",
    "Row",
    "TermView",
    "app_argv",
    "check_checkout",
    "child_env",
    "export_rev",
    "git_label",
    "interrupts_as_keyboard_interrupt",
    "loadavg",
    "parse_size",
    "percentile",
    "proc_cpu_seconds",
    "proc_rss_kb",
    "row_text",
    "scratch_dir",
]
