"""The storage seam against a real S3 server on loopback (moto), counting what crossed the wire."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from tui.model import storage
from tui.model.discovery import discover
from tui.model.logdir import Logdir
from tui.model.storage import RemoteStorage, Rewritten, StorageError

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def _records(n: int, seed: int = 0) -> bytes:
    from tui.tfevents.proto import event_pb2
    from tui.tfevents.writer import frame

    out = []
    for s in range(n):
        ev = event_pb2.Event(step=s, wall_time=1.7e9 + s + seed)
        ev.summary.value.add(tag="loss", simple_value=float(s))
        out.append(frame(ev.SerializeToString()))
    return b"".join(out)


def test_urls_and_local_paths() -> None:
    assert storage.is_url("s3://b/x") and storage.is_url("ssh://u@h:22/p") and storage.is_url("gs://b")
    assert not storage.is_url("/tmp/logs") and not storage.is_url("logs") and not storage.is_url("C:\\logs")
    assert not storage.is_url("file:///tmp/x")
    assert storage.open_storage("file:///tmp/x") is None and storage.local_path("file:///tmp/x") == "/tmp/x"
    assert Logdir("file:///tmp/x").path == "/tmp/x" and not Logdir("/tmp/x").remote


def test_local_paths_never_import_fsspec(tmp_path: Path) -> None:
    import subprocess

    code = (
        "import sys; from tui.model.storage import open_storage; from tui.model.logdir import Logdir; "
        f"Logdir({str(tmp_path)!r}).load_all(); assert open_storage({str(tmp_path)!r}) is None; "
        "print('fsspec' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert out.stdout.strip() == "False"


def test_walk_is_one_listing_and_finds_what_local_discovery_finds(
    s3: SimpleNamespace, tmp_path: Path
) -> None:
    s3.put(CORPUS, "bkt/corpus")
    s3.copy_local(CORPUS, tmp_path)
    s3.server.log.clear()
    st = RemoteStorage("s3://bkt/corpus")
    runs = st.walk()
    assert len(s3.server.log) == 1 and len(s3.server.listings()) == 1
    local = discover(str(tmp_path))
    assert list(runs) == list(local)
    for name, paths in local.items():
        rel_local = [os.path.relpath(p, tmp_path).replace(os.sep, "/") for p in paths]
        assert [u.removeprefix("s3://bkt/corpus/") for u in runs[name]] == rel_local
        for url, p in zip(runs[name], paths, strict=True):
            assert st.size(url) == os.path.getsize(p)


def test_ranged_reads_return_the_bytes_and_request_only_the_range(s3: SimpleNamespace) -> None:
    data = _records(500)
    s3.fs.pipe_file("bkt/run/events.out.tfevents.1.h", data)
    st = RemoteStorage("s3://bkt")
    (url,) = st.walk()["run"]
    s3.server.log.clear()
    assert st.read(url, 100, 1000) == data[100:1100]
    assert st.read(url, len(data) - 10, 1000) == data[-10:]
    gets = s3.server.gets("events")
    assert [g.range for g in gets] == ["bytes=100-1099", f"bytes={len(data) - 10}-{len(data) + 989}"]
    assert sum(g.sent for g in gets) == 1010


def test_growth_reads_only_new_bytes_and_rewrite_is_reported(s3: SimpleNamespace) -> None:
    key = "bkt/live/run/events.out.tfevents.1.h"
    v1 = _records(300)
    s3.fs.pipe_file(key, v1)
    st = RemoteStorage("s3://bkt/live")
    (url,) = st.walk()["run"]
    assert st.read(url, 0, st.size(url)) == v1
    # Object stores replace objects: "growth" is a longer object with the same prefix.
    v2 = v1 + _records(50, seed=1)
    s3.fs.pipe_file(key, v2)
    st.walk()
    s3.server.log.clear()
    assert st.read(url, len(v1), st.size(url) - len(v1)) == v2[len(v1) :]
    sent = sum(g.sent for g in s3.server.gets("events"))
    assert sent == len(v2) - len(v1) + storage.OVERLAP  # the new bytes and the overlap that proves growth
    # Unchanged since: no overlap needed.
    s3.server.log.clear()
    assert st.read(url, len(v2), 100) == b""
    assert sum(g.sent for g in s3.server.gets("events")) == 0
    # Rewritten with different content, longer: detected on the next read.
    v3 = _records(400, seed=7)
    s3.fs.pipe_file(key, v3)
    st.walk()
    with pytest.raises(Rewritten, match="different content"):
        st.read(url, len(v2), st.size(url) - len(v2))
    assert st.read(url, 0, st.size(url)) == v3  # afresh, from byte 0
    # Replaced by a shorter object: the listing alone says so.
    s3.fs.pipe_file(key, v3[:100])
    st.walk()
    assert set(st.rewritten) == {url} and st.replaced(url).startswith("object replaced by a shorter")


def test_prefetch_fetches_several_files_at_once_and_reads_use_it(s3: SimpleNamespace) -> None:
    blobs = {f"bkt/many/r{i}/events.out.tfevents.{i}.h": _records(100 + i, seed=i) for i in range(6)}
    for k, v in blobs.items():
        s3.fs.pipe_file(k, v)
    st = RemoteStorage("s3://bkt/many")
    urls = [u for paths in st.walk().values() for u in paths]
    s3.server.log.clear()
    st.prefetch([(u, 0, st.size(u)) for u in urls])
    for a in st._ahead.values():
        a.future.result()
    assert len(s3.server.gets()) == 6
    for u in urls:
        assert st.read(u, 0, st.size(u)) == blobs["bkt/" + u.removeprefix("s3://bkt/")]
    assert len(s3.server.gets()) == 6  # every read came from the prefetch


def test_missing_bucket_is_one_clear_line(s3: SimpleNamespace) -> None:
    st = RemoteStorage("s3://no-such-bucket/exp")
    with pytest.raises(StorageError) as e:
        st.walk()
    assert e.value.kind == storage.MISSING and str(e.value) == (
        "s3://no-such-bucket/exp: bucket or container does not exist"
    )


def test_empty_prefix_is_no_runs_yet(s3: SimpleNamespace) -> None:
    st = RemoteStorage("s3://bkt/not-yet")
    assert st.walk() == {}


def test_server_down_retries_with_backoff_then_says_network(s3: SimpleNamespace) -> None:
    s3.fs.pipe_file("bkt/run/events.out.tfevents.1.h", _records(10))
    delays: list[float] = []
    notices: list[str | None] = []
    st = RemoteStorage("s3://bkt", retries=3, backoff=0.5, sleep=delays.append)
    st.on_notice = notices.append
    st.walk()
    s3.server.stop()
    with pytest.raises(StorageError) as e:
        st.walk()
    assert e.value.kind == storage.NETWORK and e.value.transient
    assert len(delays) == 3 and delays[0] < delays[1] < delays[2]  # exponential backoff
    assert st.stats.retries == 3 and st.notice is not None and "network error" in st.notice
    assert [n.rsplit("(retry ", 1)[-1] for n in notices[:3]] == ["1 of 3)", "2 of 3)", "3 of 3)"]
    assert notices[-1] == st.notice


class _Throttling:
    """A real s3fs client that answers the first ``n`` reads with S3's SlowDown (503) error."""

    def __init__(self, fs: object, n: int) -> None:
        self._fs, self.n = fs, n

    def __getattr__(self, name: str) -> object:
        return getattr(self._fs, name)

    def cat_file(self, *a: object, **k: object) -> bytes:
        if self.n:
            self.n -= 1
            from botocore.exceptions import ClientError
            from s3fs.errors import translate_boto_error

            err = ClientError(
                {"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate."}}, "GetObject"
            )
            raise translate_boto_error(err)
        return self._fs.cat_file(*a, **k)


def test_throttling_is_retried(s3: SimpleNamespace) -> None:
    data = _records(20)
    s3.fs.pipe_file("bkt/run/events.out.tfevents.1.h", data)
    fs = _Throttling(s3.fs, 2)
    delays: list[float] = []
    st = RemoteStorage("s3://bkt", fs=fs, retries=3, sleep=delays.append)
    (url,) = st.walk()["run"]
    assert st.read(url, 0, len(data)) == data
    assert len(delays) == 2 and st.notice is None


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ExpiredToken", storage.CREDENTIALS),
        ("InvalidAccessKeyId", storage.CREDENTIALS),
        ("AccessDenied", storage.PERMISSION),
        ("NoSuchBucket", storage.MISSING),
        ("SlowDown", storage.THROTTLED),
    ],
)
def test_s3_errors_as_s3fs_raises_them_are_classified(code: str, kind: str) -> None:
    pytest.importorskip("s3fs")
    from botocore.exceptions import ClientError
    from s3fs.errors import translate_boto_error

    err = translate_boto_error(ClientError({"Error": {"Code": code, "Message": "m"}}, "GetObject"))
    got = storage.classify(err, "s3://b/x")
    assert got.kind == kind and got.transient == (kind == storage.THROTTLED)
    assert "\n" not in str(got) and str(got).startswith("s3://b/x: ")


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fsspec", None)
    monkeypatch.setitem(sys.modules, "fsspec.core", None)
    with pytest.raises(StorageError, match=r"pip install 'tbtui\[remote\]'"):
        storage.open_storage("s3://bucket/exp")
    with pytest.raises(StorageError, match=r"pip install 'tbtui\[remote\]'"):
        storage.check_url("gs://bucket/exp")


def test_unknown_scheme_is_one_line() -> None:
    pytest.importorskip("fsspec")
    with pytest.raises(StorageError, match=r"^nope://x: .*nope") as e:
        storage.check_url("nope://x")
    assert "\n" not in str(e.value)


@settings(max_examples=60, deadline=None)
@given(
    st_ops=hst.lists(
        hst.one_of(
            hst.tuples(hst.just("grow"), hst.binary(min_size=1, max_size=300)),
            hst.tuples(hst.just("rewrite"), hst.binary(min_size=0, max_size=600)),
            hst.tuples(hst.just("poll"), hst.just(b"")),
        ),
        max_size=12,
    ),
    first=hst.binary(min_size=0, max_size=400),
)
def test_growth_or_rewrite_on_any_history(st_ops: list[tuple[str, bytes]], first: bytes) -> None:
    """Whatever an object goes through, what a reader assembles is the object as it is now.

    On fsspec's in-memory file system (a real backend, in-process): growth is read as new bytes
    only; a rewrite is reported exactly when the bytes already read are no longer the object's
    prefix as far as the overlap window sees (shorter, or its last ``OVERLAP`` bytes differ).
    """
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory", skip_instance_cache=True)
    root = f"/h{abs(hash((tuple(st_ops), first)))}"
    path = f"{root}/run/events.out.tfevents.1.h"
    fs.pipe_file(path, first)
    st = RemoteStorage(f"memory://{root}", fs=fs)
    (url,) = st.walk()["run"]
    content, got = first, b""
    for op, data in [("poll", b""), *st_ops]:
        if op == "grow":
            content += data
        elif op == "rewrite":
            content = data
        fs.pipe_file(path, content)
        st.walk()
        before = got
        window = before[-storage.OVERLAP :]
        detectable = len(content) < len(before) or content[len(before) - len(window) : len(before)] != window
        flagged = url in st.rewritten
        if flagged:
            st.forget(url)
            got = b""
        try:
            got += st.read(url, len(got), st.size(url) - len(got)) if st.size(url) > len(got) else b""
            raised = False
        except Rewritten:
            raised = True
            got = st.read(url, 0, st.size(url))
        if content.startswith(before):  # growth (or nothing): never a rewrite, only new bytes
            assert not (flagged or raised) and got == content
        elif detectable:  # a rewrite the overlap window sees: said, and read afresh
            assert (flagged or raised) and got == content
    fs.rm(root, recursive=True)


@pytest.mark.parametrize("port", [429, 503, 4290, 42900, 50312, 5030, 65503])
def test_a_refused_connection_is_a_network_error_whatever_its_port(port: int) -> None:
    # A refused connection's text names the port; one that reads like an HTTP status is not one
    # (seen when a loopback S3 server on port 50312 stopped mid-load: "throttled by the server").
    refused = ConnectionRefusedError(111, f"Connect call failed ('127.0.0.1', {port})")
    cannot = OSError(f"Cannot connect to host 127.0.0.1:{port} ssl:default")
    for err in (refused, cannot):
        assert storage.classify(err, "s3://b/x").kind == storage.NETWORK


@pytest.mark.parametrize("text", ["503 Service Unavailable", "HTTP status 429", "server said (503)"])
def test_throttling_statuses_still_read_as_throttled(text: str) -> None:
    assert storage.classify(OSError(text), "s3://b/x").kind == storage.THROTTLED
