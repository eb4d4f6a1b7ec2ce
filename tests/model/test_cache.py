"""The reopen cache gives exactly what a cold read gives, reads only new bytes, and never trusts a bad entry.

Every comparison is with a cold read of the same files at the same moment (``Logdir`` without a
cache): the summary ``--json`` prints, byte for byte, and every scalar point. The logdir is hashed
before and after (names, bytes, mtimes of files and folders): nothing is written into it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.cli.common import json_text
from tui.model import cache, cachefile
from tui.model.cache import ReadCache
from tui.model.logdir import Logdir
from tui.model.summary import logdir_summary
from tui.tfevents.proto import event_pb2
from tui.tfevents.writer import EventFileWriter

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
LOGDIRS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def tree_digest(root: Path) -> str:
    """Names, bytes and mtimes of everything under ``root`` (links as their targets, not followed)."""
    h = hashlib.blake2b()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        h.update(f"{dirpath} {os.stat(dirpath).st_mtime_ns}".encode(errors="surrogateescape"))
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            h.update(f"{p} {st.st_size} {st.st_mtime_ns}".encode(errors="surrogateescape"))
            if os.path.islink(p):
                h.update(os.readlink(p).encode(errors="surrogateescape"))
            else:
                h.update(Path(p).read_bytes())
    return h.hexdigest()


def state(logdir: Logdir) -> str:
    """What ``summary --json`` prints, and every scalar point of every run, as one string."""
    points = {
        name: {
            tag: [s.snapshot().steps.tolist(), s.snapshot().wall_times.tolist(), s.snapshot().values.tolist()]
            for tag, s in run.scalars.items()
        }
        for name, run in logdir.runs.items()
    }
    return json_text(logdir_summary(logdir), indent=1) + repr(points)


def cold(path: str | Path) -> str:
    return state(Logdir(str(path)).load_all())


def cached(path: str | Path, folder: Path) -> tuple[Logdir, ReadCache, int]:
    """Open ``path`` with the cache in ``folder``; returns the logdir, its cache and the bytes read."""
    rc = ReadCache(str(folder))
    logdir = Logdir(str(path), cache=rc)
    read = 0
    while True:
        ch = logdir.refresh()
        read += ch.bytes_read
        if not ch.pending or not ch.bytes_read:
            break
    logdir.save_cache()
    return logdir, rc, read


@pytest.mark.parametrize("name", LOGDIRS)
def test_corpus_reopen_equals_cold_read(name: str, tmp_path: Path) -> None:
    root = CORPUS / name
    before = tree_digest(root)
    expected = cold(root)
    first, rc1, read1 = cached(root, tmp_path)
    assert state(first) == expected and not rc1.restored and read1 > 0
    again, rc2, read2 = cached(root, tmp_path)
    assert state(again) == expected
    assert sorted(rc2.restored) == sorted(first.runs)  # every run came from the cache...
    assert read2 == 0  # ...and nothing was read again
    assert tree_digest(root) == before


def _name(n: int) -> str:
    return f"events.out.tfevents.{1_700_000_000 + n}.host.1.0"


def _writer(run_dir: Path, n: int, **kwargs: object) -> EventFileWriter:
    return EventFileWriter(str(run_dir), filename=_name(n), legacy=True, buffer_bytes=0, **kwargs)  # type: ignore[arg-type]


def _write_run(run: Path, n: int, steps: range, *, start: int | None = None) -> Path:
    with _writer(run, n) as w:
        if start is not None:
            w.add_session_start(start, 1.0)
        for s in steps:
            w.add_scalar("loss", 1.0 / (s + 1), s, 1.0 + s)
            w.add_histogram("w", np.arange(10.0) + s, s, 1.0 + s) if s % 10 == 0 else None
    return run / _name(n)


def test_appended_file_reads_only_the_new_bytes(tmp_path: Path) -> None:
    logdir_path = tmp_path / "logs"
    path = _write_run(logdir_path / "run", 0, range(200))
    cached(logdir_path, tmp_path / "cache")
    size = path.stat().st_size
    with open(path, "ab") as f, _writer(tmp_path / "scratch", 0, file_version=False) as w:
        for s in range(200, 300):
            w.add_scalar("loss", 1.0 / (s + 1), s, 1.0 + s)
        w.flush()
        f.write(Path(w.path).read_bytes())
    added = path.stat().st_size - size
    logdir, rc, read = cached(logdir_path, tmp_path / "cache")
    assert rc.restored == ["run"]
    assert read == added
    assert state(logdir) == cold(logdir_path)
    assert logdir.runs["run"].scalars["loss"].steps.tolist() == list(range(300))


def test_a_new_file_with_a_restart_purges_cached_points_as_a_cold_read_does(tmp_path: Path) -> None:
    """A later file's SessionLog.START purges points the cached entry holds (TensorBoard's rule)."""
    logdir_path = tmp_path / "logs"
    first = _write_run(logdir_path / "run", 0, range(100), start=0)
    cached(logdir_path, tmp_path / "cache")
    second = _write_run(logdir_path / "run", 1, range(50, 80), start=50)
    logdir, rc, read = cached(logdir_path, tmp_path / "cache")
    assert rc.restored == ["run"] and read == second.stat().st_size
    assert state(logdir) == cold(logdir_path)
    steps = logdir.runs["run"].scalars["loss"].steps.tolist()
    assert steps == list(range(50)) + list(range(50, 80))
    assert first.exists()


def test_a_file_that_sorts_before_the_cached_ones_means_a_cold_read(tmp_path: Path) -> None:
    logdir_path = tmp_path / "logs"
    _write_run(logdir_path / "run", 5, range(100))
    cached(logdir_path, tmp_path / "cache")
    _write_run(logdir_path / "run", 1, range(40))
    logdir, rc, _ = cached(logdir_path, tmp_path / "cache")
    assert rc.restored == []
    assert state(logdir) == cold(logdir_path)


def test_a_file_left_behind_that_grew_means_a_cold_read(tmp_path: Path) -> None:
    """A cold read reads what the earlier file gained; a restored order would have left it behind."""
    logdir_path = tmp_path / "logs"
    first = _write_run(logdir_path / "run", 0, range(100))
    _write_run(logdir_path / "run", 1, range(100, 120))
    cached(logdir_path, tmp_path / "cache")
    with open(first, "ab") as f:
        f.write(first.read_bytes()[-200:])  # whatever it is, a cold read reads it and the cache must not
    logdir, rc, _ = cached(logdir_path, tmp_path / "cache")
    assert rc.restored == []
    assert state(logdir) == cold(logdir_path)


@pytest.mark.parametrize("change", ["shrank", "rewritten", "replaced", "gone"])
def test_a_file_that_shrank_or_changed_is_read_afresh(tmp_path: Path, change: str) -> None:
    logdir_path = tmp_path / "logs"
    path = _write_run(logdir_path / "run", 0, range(300))
    other = _write_run(logdir_path / "other", 0, range(10))
    cached(logdir_path, tmp_path / "cache")
    data = path.read_bytes()
    if change == "shrank":
        path.write_bytes(data[: len(data) // 2])
    elif change == "rewritten":  # same inode, same size, other last bytes
        path.write_bytes(data[:-5] + bytes(5))
    elif change == "replaced":  # another file under the same name (its inode may be the old one's)
        path.unlink()
        _write_run(logdir_path / "run", 0, range(1000, 1400))
    else:
        path.unlink()
    logdir, rc, _ = cached(logdir_path, tmp_path / "cache")
    assert rc.restored == ["other"]
    assert state(logdir) == cold(logdir_path)
    assert other.exists()


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.tbc"))


@pytest.mark.parametrize("damage", ["truncated", "half_written", "corrupted", "swapped", "garbage", "empty"])
def test_a_bad_entry_falls_back_to_a_cold_read(tmp_path: Path, damage: str) -> None:
    logdir_path = tmp_path / "logs"
    _write_run(logdir_path / "a", 0, range(300))
    _write_run(logdir_path / "b", 0, range(50))
    folder = tmp_path / "cache"
    cached(logdir_path, folder)
    entries = _entries(folder)
    assert len(entries) == 2
    victim = entries[0]
    data = victim.read_bytes()
    if damage == "truncated":
        victim.write_bytes(data[:-1])
    elif damage == "half_written":  # a writer killed mid-write, had it written in place
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "corrupted":
        i = len(data) // 3
        victim.write_bytes(data[:i] + bytes([data[i] ^ 0x40]) + data[i + 1 :])
    elif damage == "swapped":  # another run's entry under this run's key
        victim.write_bytes(entries[1].read_bytes())
    elif damage == "garbage":
        victim.write_bytes(os.urandom(len(data)))
    else:
        victim.write_bytes(b"")
    expected = cold(logdir_path)
    logdir, rc, _ = cached(logdir_path, folder)
    assert len(rc.restored) == 1
    assert state(logdir) == expected
    # The bad entry was written again, whole: the next open restores both runs.
    logdir, rc, read = cached(logdir_path, folder)
    assert len(rc.restored) == 2 and read == 0
    assert state(logdir) == expected


def test_entries_from_other_reading_code_are_not_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logdir_path = tmp_path / "logs"
    _write_run(logdir_path / "run", 0, range(30))
    cached(logdir_path, tmp_path / "cache")
    monkeypatch.setattr(cache, "_FINGERPRINT", "another tbtui")
    _, rc, read = cached(logdir_path, tmp_path / "cache")
    assert rc.restored == [] and read > 0


def test_crc_setting_is_part_of_the_entry(tmp_path: Path) -> None:
    logdir_path = tmp_path / "logs"
    _write_run(logdir_path / "run", 0, range(30))
    cached(logdir_path, tmp_path / "cache")
    rc = ReadCache(str(tmp_path / "cache"))
    Logdir(str(logdir_path), cache=rc, check_crc=False).load_all()
    assert rc.restored == []


def test_least_recently_used_entries_go_first(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    logdir_path = tmp_path / "logs"
    for name in "abc":
        _write_run(logdir_path / name, 0, range(500))
    rc = cached(logdir_path, folder)[1]
    entry = {name: Path(rc._entry(str(logdir_path / name))) for name in "abc"}
    assert sorted(entry.values()) == _entries(folder)
    for k, name in enumerate("abc"):
        os.utime(entry[name], (1000 + k, 1000 + k))
    leftover = folder / ".x.tbc.1.dead.tmp"  # a writer killed before its rename, long ago
    leftover.write_bytes(b"x")
    os.utime(leftover, (1, 1))
    # Opening run a on its own (the same folder, so the same entry) is a use of its entry.
    rc = ReadCache(str(folder))
    Logdir(str(logdir_path / "a"), cache=rc).load_all()
    assert rc.restored == ["."]
    sizes = {name: p.stat().st_size for name, p in entry.items()}
    cache.trim(str(folder), sizes["a"] + sizes["c"])
    assert _entries(folder) == sorted([entry["a"], entry["c"]])  # b was the least recently used
    assert not leftover.exists()


def test_a_save_told_to_stop_goes_on_later_where_it_stopped(tmp_path: Path) -> None:
    """The loader saves standing aside for keys: a save whose ``until`` says stop writes the entries
    before that and no more; the next writes the rest (none twice), and a reopen restores them all."""
    folder, logdir_path = tmp_path / "cache", tmp_path / "logs"
    names = [f"run{i}" for i in range(5)]
    for name in names:
        _write_run(logdir_path / name, 0, range(30))
    rc = ReadCache(str(folder))
    logdir = Logdir(str(logdir_path), cache=rc).load_all()
    asked: list[int] = []
    assert rc.save(logdir, until=lambda: asked.append(1) or len(asked) > 2) == 2
    assert len(_entries(folder)) == 2
    assert rc.save(logdir) == 3 and rc.save(logdir) == 0
    again = ReadCache(str(folder))
    reopened = Logdir(str(logdir_path), cache=again).load_all()
    assert sorted(again.restored) == names
    assert state(reopened) == cold(logdir_path)


def test_a_limit_too_small_for_anything_keeps_nothing(tmp_path: Path) -> None:
    logdir_path = tmp_path / "logs"
    _write_run(logdir_path / "run", 0, range(30))
    rc = ReadCache(str(tmp_path / "cache"), limit=10)
    logdir = Logdir(str(logdir_path), cache=rc).load_all()
    logdir.save_cache()
    assert cache.stats(str(tmp_path / "cache")).entries == 0


def test_cache_limit_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for text, expected in (("500M", 500 << 20), ("2g", 2 << 30), ("1.5GiB", 3 << 29), ("123", 123)):
        monkeypatch.setenv("TBTUI_CACHE_MAX", text)
        assert cache.cache_limit() == expected
    monkeypatch.setenv("TBTUI_CACHE_MAX", "lots")
    assert cache.cache_limit() == cache.DEFAULT_LIMIT


def test_the_cache_lives_under_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.reads_dir() == str(tmp_path / "xdg" / "tbtui" / "reads")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as the spec says
    assert cache.reads_dir() == os.path.join(os.path.expanduser("~"), ".cache", "tbtui", "reads")


def test_the_codec_stores_only_plain_values_and_tbtui_classes(tmp_path: Path) -> None:
    value = {
        "a": (1, 2.5, float("nan"), float("-inf"), None, True, "é"),
        3: [b"\x00bytes", bytearray(b"ba"), {1, 2}, frozenset({"x"})],
        "arr": np.arange(12, dtype=np.float32).reshape(3, 4),
        "obj": np.array([b"a", b"bc"], dtype=object),
        "nested": np.array([None, [1, 2], (3,)], dtype=object),
        "scalar": np.float16(1.5),
        "big": 1 << 80,
    }
    path = str(tmp_path / "e.tbc")
    cachefile.write_entry(path, value)
    back = cachefile.read_entry(path)
    assert repr(back).replace("nan", "x") == repr(value).replace("nan", "x")
    assert back["arr"].dtype == np.float32 and back["scalar"].dtype == np.float16
    with pytest.raises(cachefile.Unencodable):
        cachefile.write_entry(path, {"path": Path("/")})
    with pytest.raises(cachefile.BadEntry):
        cachefile.decode({"~o": "os:system", "i": 0, "s": "true"}, [])
    with pytest.raises(cachefile.BadEntry):
        cachefile.decode({"~o": "tui.model.cache:os.system", "i": 0, "s": "x"}, [])
    with pytest.raises(cachefile.BadEntry):
        cachefile.decode({"~r": 0}, [])


def test_shared_objects_stay_shared(tmp_path: Path) -> None:
    """A run's reader referred to from two places (its files, a payload's file) is one object again."""
    logdir_path = tmp_path / "logs"
    _write_run(logdir_path / "run", 0, range(3))
    run = Logdir(str(logdir_path)).load_all().runs["run"]
    reader = next(iter(run.files.values()))
    path = str(tmp_path / "e.tbc")
    cachefile.write_entry(path, {"files": run.files, "again": [reader, reader], "run": run})
    back = cachefile.read_entry(path)
    one = next(iter(back["files"].values()))
    assert back["again"][0] is one and back["again"][1] is one
    assert next(iter(back["run"].files.values())) is one
    assert one.offset == reader.offset and one is not reader


# -- reopen at any moment of any live writing ---------------------------------------------------

_EVENT = st.one_of(
    st.tuples(st.just("scalar"), st.sampled_from("ab"), st.integers(0, 30)),
    st.tuples(st.just("start"), st.just(""), st.integers(0, 30)),
    st.tuples(st.just("graph"), st.just(""), st.integers(0, 30)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    versioned=st.booleans(),
    ops=st.lists(
        st.one_of(st.tuples(st.integers(0, 3), _EVENT), st.sampled_from(["refresh", "slice", "reopen"])),
        max_size=50,
    ),
)
def test_reopen_during_any_live_writes_equals_a_cold_read(versioned: bool, ops: list[object]) -> None:
    """Up to four writers appending to one run in any interleaving (restart purges, steps going
    back, files appearing in any order), read whole or a slice at a time; whenever the app would be
    closed and opened again, the reopened logdir equals a cold read of the same files."""
    with tempfile.TemporaryDirectory() as tmp:
        logs, folder = Path(tmp) / "logs", Path(tmp) / "cache"
        run = logs / "run"
        run.mkdir(parents=True)
        writers: dict[int, EventFileWriter] = {}
        logdir = Logdir(str(logs), cache=ReadCache(str(folder)), chunk_bytes=256, first_slice=128)
        wall = 1.0
        for op in [*ops, "reopen"]:
            if op in ("refresh", "slice"):  # a slice stops mid-file, as the app's first pass does
                logdir.refresh(None if op == "refresh" else 300)
                logdir.save_cache()
                continue
            if op == "reopen":
                logdir.save_cache()
                logdir = Logdir(str(logs), cache=ReadCache(str(folder)), chunk_bytes=256, first_slice=128)
                logdir.load_all()
                assert state(logdir) == cold(logs)
                continue
            n, (kind, tag, step) = op  # type: ignore[misc]
            w = writers.get(n)
            if w is None:
                w = writers[n] = _writer(run, n, file_version=versioned)
            wall += 1.0
            if kind == "start":
                w.add_session_start(step, wall)
            elif kind == "graph":
                w.write_event(event_pb2.Event(step=step, wall_time=wall, graph_def=b""))
            else:
                w.add_scalar(tag, wall, step, wall)
        for w in writers.values():
            w.close()
        shutil.rmtree(folder, ignore_errors=True)


# -- the entry format, fuzzed --------------------------------------------------------------------

_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(1 << 70), max_value=1 << 70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.binary(max_size=40),
    st.builds(
        lambda xs, dt: np.asarray(xs).astype(dt),
        st.lists(st.integers(-100, 100), max_size=20),
        st.sampled_from(["<f4", "<f8", "<i8", "u1", "?", "<f2"]),
    ),
)
_TREE = st.recursive(
    _LEAF,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4),
        st.lists(kids, max_size=4).map(tuple),
        st.dictionaries(st.one_of(st.text(max_size=4), st.integers(0, 9)), kids, max_size=4),
    ),
    max_leaves=20,
)


def _same_tree(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same_tree, a, b))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(_same_tree(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@settings(max_examples=60, deadline=None)
@given(tree=_TREE)
def test_any_tree_comes_back_as_it_was(tree: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "e.tbc")
        cachefile.write_entry(path, tree)
        assert _same_tree(tree, cachefile.read_entry(path))


@settings(max_examples=80, deadline=None)
@given(tree=_TREE, data=st.data())
def test_any_damage_to_an_entry_is_detected(tree: object, data: st.DataObject) -> None:
    """One byte changed anywhere, the file cut anywhere, or bytes appended: refused, never trusted."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "e.tbc")
        cachefile.write_entry(path, tree)
        raw = Path(path).read_bytes()
        how = data.draw(st.sampled_from(["flip", "cut", "append"]))
        if how == "flip":
            i = data.draw(st.integers(0, len(raw) - 1))
            bit = data.draw(st.integers(0, 7))
            raw = raw[:i] + bytes([raw[i] ^ (1 << bit)]) + raw[i + 1 :]
        elif how == "cut":
            raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
        else:
            raw += data.draw(st.binary(min_size=1, max_size=64))
        Path(path).write_bytes(raw)
        with pytest.raises(cachefile.BadEntry):
            cachefile.read_entry(path)


@pytest.mark.parametrize("small", [0, 1 << 20], ids=["mapped", "read"])
def test_both_ways_of_reading_an_entry_check_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: int
) -> None:
    """Entries are mapped (large) or read whole (small): either way intact ones load, damaged ones do not."""
    monkeypatch.setattr(cachefile, "_SMALL", small)
    tree = {"a": np.arange(100_000, dtype=np.float64), "b": b"x" * 5000}
    path = tmp_path / "e.tbc"
    cachefile.write_entry(str(path), tree)
    back = cachefile.read_entry(str(path))
    assert _same_tree(tree, back)
    back["a"][0] = 7.0  # copy-on-write (mapped) or private (read): never the file
    assert _same_tree(tree, cachefile.read_entry(str(path)))
    raw = bytearray(path.read_bytes())
    raw[400_000] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(cachefile.BadEntry):
        cachefile.read_entry(str(path))


def _payloads(logdir: Logdir) -> dict:
    """Every blob payload of every run, read (on demand) and shown as text."""
    return {
        name: {tag: [repr(item) for item in series.items] for tag, series in run.blobs.items()}
        for name, run in logdir.runs.items()
    }


def test_payloads_after_a_reopen_equal_a_cold_read() -> None:
    """After a reopen every payload read on demand is the cold read's (corpus logdirs with images,
    audio, text, pr curves, meshes), and payload files are keyed by this process's readers."""
    for name in ("tbx", "tf2", "torch_mnist_like"):
        cached(CORPUS / name, Path(cache.reads_dir()))
        rc = ReadCache()
        reopened = Logdir(str(CORPUS / name), cache=rc).load_all()
        assert sorted(rc.restored) == sorted(reopened.runs)
        assert _payloads(reopened) == _payloads(Logdir(str(CORPUS / name)).load_all())
        for run in reopened.runs.values():  # payload files are keyed by this process's readers
            readers = {id(r) for r in run.files.values()}
            assert {id(pf.reader) for pf in run._payload_files.values()} <= readers


_SECOND_PROCESS = """
import sys
from tui.model.cache import ReadCache
from tui.model.logdir import Logdir
texts = lambda logdir: [x for r in logdir.runs.values() for s in r.blobs.values() for x in s.items]
texts(Logdir(sys.argv[2]).load_all())  # its payloads fill the LRU under this process's first serials
rc = ReadCache()
restored = Logdir(sys.argv[1], cache=rc).load_all()
assert rc.restored == ["run"], rc.restored
print(repr(texts(restored)))
"""


def test_payload_serials_of_an_earlier_process_never_reach_this_ones_lru(tmp_path: Path) -> None:
    """Two logdirs with the same layout but other text: one cached by a process, the other read by
    a second process before it restores the first. Serials restored as they were would be the
    second process's own, and its LRU would hand out the other logdir's text."""
    for name, letter in (("a", "x"), ("b", "y")):
        with _writer(tmp_path / name / "run", 0) as w:
            for s in range(5):
                w.add_text("note", letter * 20, s, 1.0 + s)
    env = {**os.environ, "PYTHONPATH": str(CORPUS.parents[2])}
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    subprocess.run(
        [sys.executable, "-m", "tui.cli", "summary", a, "--json"], env=env, check=True, capture_output=True
    )
    out = subprocess.run(
        [sys.executable, "-c", _SECOND_PROCESS, a, b], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert "y" * 20 not in out and out.count("x" * 20) == 5
