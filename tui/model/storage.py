"""Where a logdir's bytes live: the local disk (the fast path) or any fsspec URL.

A logdir is either a local path, read with ``os``/``open`` exactly as before (fsspec is never
imported for it), or a URL with a scheme fsspec knows (``s3://``, ``gs://``, ``az://``,
``hdfs://``, ``ssh://``...), read through the backend the ``[remote]`` extra installs. Everything
above this module sees one small seam: ``walk()`` (run name -> event files), ``size(path)`` and
``read(path, start, n)``.

Remote reading is shaped by latency, not bandwidth:

- **Discovery is one recursive listing** (``fs.find(detail=True)``), which also gives every
  object's size and identity (ETag / mtime); ``size()`` answers from it, so polling a logdir is one
  request however many files it has.
- **Reads are ranged** (``cat_file(path, start, end)``) from each file's offset in large chunks,
  and :meth:`RemoteStorage.prefetch` starts the next chunk of several files at once on a thread
  pool, so per-request latency does not multiply by the number of files.
- **Growth vs rewrite.** Object stores replace objects rather than append to them. When an
  object's identity changed since bytes were served from it, the next read starts a few bytes
  early and compares them with the bytes served last: the same bytes mean the object grew (only
  the new bytes are used); different bytes, or an object shorter than what was read, mean it was
  rewritten, which :class:`Rewritten` reports so the caller reads it afresh and says so. A
  replaced object of the same size is checked the same way at the listing (one small request);
  a shorter one needs no request at all (:attr:`RemoteStorage.rewritten`).
- **Faults** are classified into one clear line (:class:`StorageError`): expired credentials, a
  missing bucket, permission denied, the network. Network errors and throttling are retried with
  exponential backoff first; the latest fault stays in :attr:`RemoteStorage.notice` for a status
  bar, and clears on the next success.
"""

from __future__ import annotations

import errno
import posixpath
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from tui.tfevents.records import Replaced

__all__ = [
    "RemoteStorage",
    "Rewritten",
    "StorageError",
    "check_url",
    "classify",
    "is_url",
    "open_storage",
]

EXTRA_HINT = "pip install 'tbtui[remote]'"
#: Bytes before a file's read position re-read after its object changed, to tell growth from rewrite.
OVERLAP = 64
#: Concurrent requests a remote logdir makes at most.
WORKERS = 8
#: Bytes fetched ahead of the readers at most (prefetched chunks not yet handed out).
MAX_AHEAD = 96 << 20
#: Schemes listed flat by prefix (no directories to walk); a missing root there is a missing bucket.
_OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl"})
#: Schemes whose client holds one connection that does not recover once broken.
_CONNECTED = frozenset({"ssh", "sftp"})
#: Retries of a request that met a network error or throttling, and the first backoff (doubling).
RETRIES = 4
BACKOFF = 0.5

T = TypeVar("T")


def is_url(path: str) -> bool:
    """True for ``scheme://...`` other than ``file://`` (Windows drive paths have no ``://``)."""
    head, sep, _ = path.partition("://")
    return (
        bool(sep) and head.isascii() and head.replace("+", "").replace("-", "").isalnum() and head != "file"
    )


def local_path(path: str) -> str:
    """``file:///x`` -> ``/x``; anything else unchanged."""
    return path[len("file://") :] if path.startswith("file://") else path


# -- errors ---------------------------------------------------------------------------------------

CREDENTIALS = "credentials"
MISSING = "missing"
PERMISSION = "permission"
NETWORK = "network"
THROTTLED = "throttled"
GONE = "gone"
OTHER = "other"
#: Kinds worth retrying: the same request may well succeed a moment later.
TRANSIENT = frozenset({NETWORK, THROTTLED})


class StorageError(Exception):
    """A storage fault as one line for the user; ``kind`` says which (see :func:`classify`)."""

    def __init__(self, message: str, kind: str = OTHER) -> None:
        super().__init__(message)
        self.kind = kind

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT


class Rewritten(Replaced):
    """The object at ``path`` is not a continuation of what was read from it: read it afresh."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(why)
        self.path = path


_CRED_WORDS = (
    "expiredtoken",
    "token has expired",
    "tokenrefreshrequired",
    "invalidaccesskeyid",
    "signaturedoesnotmatch",
    "invalidtoken",
    "unable to locate credentials",
    "nocredentialserror",
    "partialcredentialserror",
    "refresherror",
    "invalid_grant",
    "clientauthenticationerror",
    "authenticationfailed",
    "credential",
)
_MISSING_WORDS = ("nosuchbucket", "bucket does not exist", "bucketnotfound", "containernotfound")
_PERMISSION_WORDS = (
    "accessdenied",
    "access denied",
    "forbidden",
    "permission denied",
    "authorizationfailure",
)
_THROTTLE_WORDS = (
    "slowdown",
    "slow down",
    "throttl",
    "toomanyrequests",
    "too many requests",
    "requestlimitexceeded",
)
# HTTP 429 and 503 as whole numbers: a port in a refused connection's text ("('127.0.0.1', 50312)")
# must not read as throttling.
_THROTTLE_STATUS = re.compile(r"(?<![\w.:])(?:429|503)(?![\w.:])")
_NETWORK_NAMES = (
    "endpointconnectionerror",
    "connecttimeouterror",
    "readtimeouterror",
    "connectionclosederror",
    "clientconnectorerror",
    "clientoserror",
    "serverdisconnectederror",
    "clientpayloaderror",
    "fstimeouterror",
    "incompleteread",
    "connectionlost",
    "disconnecterror",
    "channelopenerror",
    "sftpnoconnection",
    "sftpconnectionlost",
    "timeout",
)
_NETWORK_ERRNOS = {
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.ENETDOWN,
    errno.ETIMEDOUT,
    errno.EPIPE,
}
_HINTS = {
    "s3": "AWS_* variables, ~/.aws profile, AWS_ENDPOINT_URL",
    "s3a": "AWS_* variables, ~/.aws profile, AWS_ENDPOINT_URL",
    "gs": "gcloud auth application-default login",
    "gcs": "gcloud auth application-default login",
    "az": "AZURE_STORAGE_* variables or az login",
    "abfs": "AZURE_STORAGE_* variables or az login",
    "ssh": "ssh keys, ~/.ssh/config",
    "sftp": "ssh keys, ~/.ssh/config",
}


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in out and len(out) < 8:
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


def classify(exc: BaseException, url: str = "") -> StorageError:
    """One line saying what went wrong, from whatever a backend raised (and what caused it).

    Backends translate their errors inconsistently (s3fs maps most to OSError subclasses, gcsfs
    and adlfs keep their own types, sshfs passes asyncssh's through), so this looks at the types
    *and* texts of the whole exception chain rather than at one backend's classes.
    """
    if isinstance(exc, StorageError):
        return exc
    chain = _chain(exc)
    names = " ".join(type(e).__name__.lower() for e in chain)
    text = " ".join(str(e).lower() for e in chain)
    both = names + " " + text
    scheme = url.partition("://")[0]
    hint = _HINTS.get(scheme, "the backend's standard configuration")
    first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    where = f"{url}: " if url else ""
    refused = any(
        isinstance(e, ConnectionRefusedError) or (isinstance(e, OSError) and e.errno == errno.ECONNREFUSED)
        for e in chain
    )
    if not refused and (any(w in both for w in _THROTTLE_WORDS) or _THROTTLE_STATUS.search(text)):
        return StorageError(f"{where}throttled by the server ({first})", THROTTLED)
    if any(w in both for w in _MISSING_WORDS):
        return StorageError(f"{where}bucket or container does not exist", MISSING)
    if any(w in both for w in _CRED_WORDS) or "nocredentials" in names:
        return StorageError(
            f"{where}credentials missing, invalid or expired (check {hint}): {first}", CREDENTIALS
        )
    if any(isinstance(e, PermissionError) for e in chain) or any(w in both for w in _PERMISSION_WORDS):
        return StorageError(f"{where}permission denied ({first})", PERMISSION)
    if (
        any(isinstance(e, ConnectionError | TimeoutError) for e in chain)
        or any(isinstance(e, OSError) and e.errno in _NETWORK_ERRNOS for e in chain)
        or any(n in names for n in _NETWORK_NAMES)
        or "connection refused" in text
        or "cannot connect" in text
        or "connection not open" in text
        or "connection lost" in text
        or "could not connect" in text
    ):
        return StorageError(f"{where}network error ({first})", NETWORK)
    if any(isinstance(e, FileNotFoundError) for e in chain):
        return StorageError(f"{where}not found", GONE)
    if any(isinstance(e, ImportError) for e in chain):
        return StorageError(f"{where}{first}; {EXTRA_HINT}", OTHER)
    return StorageError(f"{where}{type(exc).__name__}: {first}", OTHER)


# -- remote ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Served:
    """What was last handed out from one object: where it ended, its last bytes, its identity."""

    end: int
    tail: bytes
    ident: object


@dataclass(slots=True)
class _Ahead:
    lo: int
    hi: int
    future: Future[bytes]


@dataclass
class Stats:
    """Requests this storage made (the benchmark and the tests read these)."""

    listings: int = 0
    reads: int = 0
    bytes: int = 0
    retries: int = 0


def _is_event_file(name: str) -> bool:
    return "tfevents" in name  # TensorBoard's rule (same as model.discovery.is_event_file)


class RemoteStorage:
    """A logdir behind an fsspec URL: one listing per walk, ranged reads, prefetch, retries.

    ``storage_options`` go to the backend (tests point it at their servers; users configure
    backends the standard way: AWS env vars and profiles, GCP default credentials, ~/.ssh/config).
    ``fs`` replaces the backend entirely (the tests' byte-counting wrapper).
    """

    remote = True

    def __init__(
        self,
        url: str,
        *,
        storage_options: dict[str, Any] | None = None,
        fs: Any = None,
        retries: int | None = None,
        backoff: float | None = None,
        workers: int = WORKERS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url.rstrip("/") if not url.endswith("://") else url
        self.retries = RETRIES if retries is None else retries
        self.backoff = BACKOFF if backoff is None else backoff
        self._sleep = sleep
        self.notice: str | None = None
        #: Called (from whichever thread met it) when :attr:`notice` changes: a status bar hook,
        #: so "retrying" shows while the loader waits out a backoff.
        self.on_notice: Callable[[str | None], None] | None = None
        self.stats = Stats()
        self.scheme = self.url.partition("://")[0]
        self._options = storage_options or {}
        # The client is made on first use, inside the retries: making one may already need the
        # network (sshfs connects at once), and a logdir whose host is down still opens.
        self.fs: Any = fs
        self._own_fs = fs is None
        self._strip = (fs if fs is not None else _backend(self.url))._strip_protocol
        self.root = self._strip(self.url).rstrip("/")
        # ssh's cat_file ignores ranges; reading through a seekable file is its ranged read.
        self._ranged_cat = self.scheme not in ("ssh", "sftp")
        self._lock = threading.Lock()
        self._listing: dict[str, tuple[int, object]] = {}  # url -> (size, identity)
        self._served: dict[str, _Served] = {}
        self._ahead: dict[str, _Ahead] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tbtui-remote")
        #: Objects found shorter than what was read from them at the last walk.
        self.rewritten: dict[str, str] = {}

    # -- naming ----------------------------------------------------------------------------------

    def _to_url(self, fs_path: str) -> str:
        rel = fs_path[len(self.root) :] if fs_path.startswith(self.root) else "/" + fs_path.lstrip("/")
        return self.url + rel

    def _to_fs(self, url: str) -> str:
        return self.root + url[len(self.url) :] if url.startswith(self.url) else self._strip(url)

    def _client(self) -> Any:
        """The backend's file system object, made now if there is none (first use, or after its
        connection broke: an ssh connection does not come back by itself)."""
        fs = self.fs
        if fs is None:
            fs = self.fs = _url_to_fs(self.url, self._options)[0]
        return fs

    # -- faults ----------------------------------------------------------------------------------

    def _retrying(self, what: str, fn: Callable[[], T]) -> T:
        """Run ``fn``; retry network errors and throttling with exponential backoff and jitter."""
        for attempt in range(self.retries + 1):
            try:
                out = fn()
            except Rewritten:
                raise
            except Exception as e:
                err = classify(e, what)
                if err.kind == NETWORK and self._own_fs and self.scheme in _CONNECTED:
                    self.fs = None  # a dead connection: the next attempt makes a new client
                if not err.transient or attempt == self.retries:
                    self._set_notice(str(err))
                    raise err from e
                self.stats.retries += 1
                self._set_notice(f"{err} (retry {attempt + 1} of {self.retries})")
                delay = min(self.backoff * 2**attempt, 20.0)
                import random  # (here: only a remote read that failed once waits)

                self._sleep(delay * (0.75 + 0.5 * random.random()))
            else:
                self._set_notice(None)
                return out
        raise AssertionError("unreachable")  # pragma: no cover

    def _set_notice(self, text: str | None) -> None:
        if text != self.notice:
            self.notice = text
            if self.on_notice is not None:
                self.on_notice(text)

    # -- discovery -------------------------------------------------------------------------------

    def walk(self) -> dict[str, list[str]]:
        """Run name -> sorted event file URLs, from one recursive listing that also records sizes."""

        def listing() -> dict[str, dict[str, Any]]:
            fs = self._client()
            fs.invalidate_cache()  # listings are cached by most backends; polling needs fresh ones
            self.stats.listings += 1
            # Object stores list a prefix flat, in one request. Backends that walk directories
            # (ssh, hdfs) skip a directory they cannot list, which would make a dropped connection
            # look like an empty logdir: their errors are collected and the serious ones raised.
            errors: list[BaseException] = []
            walk = {} if self.scheme in _OBJECT_STORES else {"on_error": errors.append}
            try:
                found = fs.find(self.root, detail=True, withdirs=False, **walk)
            except FileNotFoundError as e:
                if self.scheme in _OBJECT_STORES:
                    raise StorageError(f"{self.url}: bucket or container does not exist", MISSING) from e
                return {}
            for e in errors:
                if classify(e).kind in (NETWORK, THROTTLED, CREDENTIALS):
                    raise e
            return found if isinstance(found, dict) else {p: fs.info(p) for p in found}

        found = self._retrying(self.url, listing)
        runs: dict[str, list[str]] = {}
        sizes: dict[str, tuple[int, object]] = {}
        for p, info in found.items():
            if info.get("type", "file") != "file" or not _is_event_file(posixpath.basename(p)):
                continue
            url = self._to_url(p)
            sizes[url] = (int(info.get("size") or 0), _identity(info))
            rel = posixpath.dirname(url[len(self.url) :].lstrip("/")) or "."
            runs.setdefault(rel, []).append(url)
        same_size: list[str] = []
        with self._lock:
            for url, (size, ident) in sizes.items():
                served = self._served.get(url)
                if served is None or served.ident == ident:
                    continue
                if size < served.end:
                    self.rewritten[url] = f"object replaced by a shorter one ({size} < {served.end} bytes)"
                elif size == served.end:
                    same_size.append(url)  # replaced, but nothing new to read: check it here
            self._listing = sizes
        for url in same_size:
            try:
                self.read(url, sizes[url][0], 0)  # fetches only the overlap, and compares it
            except Rewritten as e:
                self.rewritten[url] = e.why
        return {k: sorted(v) for k, v in sorted(runs.items())}

    def replaced(self, path: str) -> str | None:
        """Why the last walk found ``path`` replaced (shorter, or different at the same size)."""
        return self.rewritten.get(path)

    def size(self, path: str) -> int:
        """Size at the last listing, or -1 when the object was not in it (no request)."""
        got = self._listing.get(path)
        return -1 if got is None else got[0]

    def identity(self, path: str) -> object | None:
        """The object's identity at the last listing (ETag, generation or mtime, with its size)."""
        got = self._listing.get(path)
        return None if got is None else got[1]

    def served(self, path: str) -> tuple[int, bytes, object] | None:
        """Where what was handed out from ``path`` ends, its last bytes and the object's identity
        then: what the reopen cache keeps so a later open can tell growth from rewrite."""
        with self._lock:
            got = self._served.get(path)
        return None if got is None else (got.end, got.tail, got.ident)

    def resume(self, path: str, end: int, tail: bytes, ident: object) -> None:
        """Take up :meth:`served` state an earlier process saved, as if it had been served here."""
        with self._lock:
            self._served[path] = _Served(end, tail, ident)

    def forget(self, path: str) -> None:
        """Drop what was served from ``path`` (the caller reads it afresh from byte 0)."""
        with self._lock:
            self._served.pop(path, None)
            self._ahead.pop(path, None)
            self.rewritten.pop(path, None)

    # -- reading ---------------------------------------------------------------------------------

    def _plan(self, path: str, start: int, n: int) -> tuple[int, int, _Served | None, object]:
        """Byte range to request for ``read(path, start, n)``, and the state to verify against.

        When the object's identity changed since bytes were served from it, the range starts
        ``OVERLAP`` bytes before the end of what was served, so one request both checks the
        prefix and fetches the new bytes.
        """
        listed = self._listing.get(path)
        ident = listed[1] if listed else None
        served = self._served.get(path)
        lo = start
        check = None
        if served is not None and served.ident != ident and start <= served.end:
            lo = max(0, min(start, served.end - len(served.tail)))
            check = served
        return lo, start + n, check, ident

    def _fetch(self, path: str, lo: int, hi: int) -> bytes:
        fs_path = self._to_fs(path)

        def get() -> bytes:
            fs = self._client()
            if self._ranged_cat:
                try:
                    data = fs.cat_file(fs_path, start=lo, end=hi)
                except OSError as e:
                    if "range" not in str(e).lower() or "satisfiable" not in str(e).lower():
                        raise
                    data = b""  # starts at or past the end: the object is shorter than that
            else:
                with fs.open(fs_path, "rb") as f:
                    f.seek(lo)
                    data = f.read(hi - lo)
            with self._lock:
                self.stats.reads += 1
                self.stats.bytes += len(data)
            return bytes(data)

        return self._retrying(path, get)

    def prefetch(self, ranges: Iterable[tuple[str, int, int]]) -> None:
        """Start fetching ``(path, start, n)`` for several files at once; :meth:`read` picks them up."""
        with self._lock:
            budget = MAX_AHEAD - sum(a.hi - a.lo for a in self._ahead.values())
            for path, start, n in ranges:
                if n <= 0 or budget <= 0 or path in self._ahead:
                    continue
                n = min(n, budget)
                lo, hi, _, _ = self._plan(path, start, n)
                self._ahead[path] = _Ahead(lo, hi, self._pool.submit(self._fetch, path, lo, hi))
                budget -= hi - lo

    def read(self, path: str, start: int, n: int) -> bytes:
        """Bytes ``[start, start + n)`` of ``path`` (fewer at its end).

        Raises :class:`Rewritten` when the object no longer continues what was read from it,
        :class:`StorageError` when the storage cannot be reached (after retries).
        """
        with self._lock:
            lo, hi, check, ident = self._plan(path, start, n)
            ahead = self._ahead.pop(path, None)
            listed = self._listing.get(path)
        if check is None and listed is not None and start >= listed[0]:
            return b""  # nothing there as of the last listing; no request
        data = None
        if ahead is not None and ahead.lo == lo and ahead.hi >= hi:
            try:
                data = ahead.future.result()[: hi - lo]
            except StorageError:
                data = None  # fetch again below, with the retries counted afresh
        if data is None:
            data = self._fetch(path, lo, hi)
        if check is not None:
            a = check.end - len(check.tail) - lo
            if lo + len(data) < check.end:
                self.forget(path)
                raise Rewritten(path, "object replaced by a shorter one")
            if data[a : a + len(check.tail)] != check.tail:
                self.forget(path)
                raise Rewritten(path, "object replaced by one with different content")
        out = data[start - lo :]
        with self._lock:
            end = start + len(out)
            prev = self._served.get(path)
            if prev is not None and end < prev.end and check is None:
                # A re-read of bytes already served (an incomplete record's head): keep the state.
                pass
            else:
                tail = out[-OVERLAP:]
                if len(tail) < OVERLAP and prev is not None and start == prev.end:
                    tail = (prev.tail + tail)[-OVERLAP:]
                self._served[path] = _Served(end, tail, ident)
        return out

    def read_at(self, path: str, start: int, n: int) -> bytes:
        """Bytes ``[start, start + n)`` of ``path`` read again (a payload shown long after its
        file was read): one ranged request with retries, leaving what :meth:`read` served and
        fetches ahead alone. Whether they are still the bytes read then is the caller's check
        (``read_record`` verifies the record's CRCs)."""
        return self._fetch(path, start, start + n)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _identity(info: dict[str, Any]) -> object:
    """What changes when an object is replaced: ETag / generation / mtime, with the size."""
    for key in (
        "ETag",
        "created",
        "etag",
        "md5Hash",
        "generation",
        "version_id",
        "mtime",
        "LastModified",
        "last_modified",
    ):
        v = info.get(key)
        if v is not None:
            return (key, str(v), info.get("size"))
    return ("size", info.get("size"))


def check_url(url: str) -> None:
    """Raise a one-line :class:`StorageError` now if ``url``'s backend cannot be loaded.

    Cheap (no client, no connection): the command line calls it before starting the app, so a
    missing extra or an unknown scheme is an error line instead of a broken screen.
    """
    try:
        import fsspec
    except ImportError:
        raise StorageError(
            f"{url}: remote logdirs need fsspec and its backends: {EXTRA_HINT}", OTHER
        ) from None
    try:
        fsspec.get_filesystem_class(url.partition("://")[0])
    except ImportError as e:
        raise StorageError(f"{url}: {str(e).splitlines()[0]} ({EXTRA_HINT})", OTHER) from None
    except ValueError as e:
        raise StorageError(f"{url}: {e}", OTHER) from None


def _backend(url: str) -> Any:
    """The fsspec file system class for ``url``'s scheme (imports it; no client, no connection)."""
    check_url(url)
    import fsspec

    return fsspec.get_filesystem_class(url.partition("://")[0])


def _url_to_fs(url: str, options: dict[str, Any]) -> tuple[Any, str]:
    check_url(url)
    import fsspec.core

    try:
        # Our own instance: fsspec caches file systems by arguments, and a cached one could hold
        # an old endpoint or credentials (and listing caches we invalidate at will).
        return fsspec.core.url_to_fs(url, skip_instance_cache=True, **options)
    except (ImportError, ValueError) as e:
        raise StorageError(f"{url}: {str(e).splitlines()[0]}", OTHER) from None
    except Exception as e:
        raise classify(e, url) from e


def open_storage(path: str, **options: Any) -> RemoteStorage | None:
    """The storage for a logdir argument: a URL gets fsspec; None for the local disk, which the
    model reads itself (``Discovery`` caches listings by mtime, readers check inodes)."""
    return RemoteStorage(path, **options) if is_url(path) else None
