"""Remote logdirs end to end against servers on loopback: moto's S3 server and (where installed) sshd.

What a user sees must not depend on where the logdir lives: the corpus uploaded gives the same
``summary --json`` as the local copy, growth is read incrementally (bytes counted on the wire),
and a server that goes away mid-load is a notice while what was read stays.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tui.cli import main
from tui.model import storage
from tui.model.logdir import Logdir
from tui.model.storage import RemoteStorage
from tui.tfevents.records import HEADER, scan
from tui.tfevents.writer import EventFileWriter

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def summary_json(capsys: pytest.CaptureFixture[str], logdir: str) -> tuple[int, dict, str]:
    code = main(["summary", logdir, "--json"])
    out, err = capsys.readouterr()
    data = json.loads(out) if out.strip() else {}
    data.pop("logdir", None)
    return code, data, err


def write_run(path: Path, steps: range, *, seed: float = 0.0) -> bytes:
    """An event file of scalar steps (legacy simple_value, as tensorboardX writes) in ``path``."""
    with EventFileWriter(str(path), legacy=True) as w:
        for s in steps:
            w.add_scalar("loss", 1.0 / (s + 1) + seed, s, wall_time=1.7e9 + s)
            w.add_scalar("acc", s / 100 + seed, s, wall_time=1.7e9 + s)
    (f,) = path.iterdir()
    return f.read_bytes()


def test_s3_corpus_summary_equals_local_copy(s3: SimpleNamespace, capsys, tmp_path: Path) -> None:
    s3.put(CORPUS, "bkt/corpus")
    s3.copy_local(CORPUS, tmp_path)
    code_l, local, _ = summary_json(capsys, str(tmp_path))
    code_r, remote, err = summary_json(capsys, "s3://bkt/corpus")
    assert code_l == code_r == 0 and err == ""
    assert remote == local
    assert len(remote["runs"]) > 20 and sum(len(r["scalars"]) for r in remote["runs"].values()) > 50


def cut_at_step(data: bytes, step: int) -> int:
    """Byte offset where :func:`write_run`'s records for ``step`` begin (file_version, then 2 a step)."""
    return int(scan(data).starts[1 + 2 * step]) - HEADER


def test_s3_growth_is_read_incrementally(s3: SimpleNamespace, tmp_path: Path) -> None:
    v2 = write_run(tmp_path / "w", range(400))
    cut = cut_at_step(v2, 300)
    key = "bkt/live/train/events.out.tfevents.1.host"
    s3.fs.pipe_file(key, v2[:cut])
    logdir = Logdir("s3://bkt/live").load_all()
    loss = logdir.runs["train"].scalars["loss"]
    assert loss.snapshot().steps.tolist() == list(range(300))
    s3.fs.pipe_file(key, v2)  # the object is replaced by a longer one: growth
    s3.server.log.clear()
    ch = logdir.refresh()
    assert ch.changed_runs == {"train"} and ch.fault is None
    assert loss.snapshot().steps.tolist() == list(range(400))
    gets = s3.server.gets("events")
    assert sum(g.sent for g in gets) == len(v2) - cut + storage.OVERLAP
    assert len(s3.server.listings()) == 1 and len(gets) == 1
    # Nothing changed: a poll is one listing and no reads.
    s3.server.log.clear()
    assert not logdir.refresh().any
    assert len(s3.server.log) == 1


def test_s3_rewritten_object_is_read_afresh_and_said(s3: SimpleNamespace, tmp_path: Path) -> None:
    key = "bkt/rw/train/events.out.tfevents.1.host"
    s3.fs.pipe_file(key, write_run(tmp_path / "a", range(100)))
    logdir = Logdir("s3://bkt/rw").load_all()
    s3.fs.pipe_file(key, write_run(tmp_path / "b", range(150), seed=10.0))
    logdir.load_all()  # the read finds the object rewritten; the next walk reads the run again
    run = logdir.runs["train"]
    snap = run.scalars["acc"].snapshot()
    assert snap.steps.tolist() == list(range(150)) and snap.values[0] == pytest.approx(10.0)
    assert run.problems == [
        "events.out.tfevents.1.host: object replaced by one with different content; "
        "the run was re-read from the start, dropping the old file's points"
    ]


def test_s3_server_stopped_mid_load_is_a_notice_and_keeps_what_was_read(
    s3: SimpleNamespace, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "BACKOFF", 0.01)
    for i in range(3):
        write_run(tmp_path / "src" / f"r{i}", range(3000))
    s3.put(tmp_path / "src", "bkt/big")
    st = RemoteStorage("s3://bkt/big", retries=2)
    logdir = Logdir("s3://bkt/big", chunk_bytes=64 << 10, storage=st)
    logdir.refresh(max_bytes=200 << 10)
    before = {n: len(r.scalars["loss"]) for n, r in logdir.runs.items()}
    assert sum(before.values()) > 0 and logdir.fault is None
    s3.server.stop()
    ch = logdir.refresh()
    assert ch.fault is not None and "network error" in ch.fault and logdir.fault == ch.fault
    assert {n: len(r.scalars["loss"]) for n, r in logdir.runs.items()} == before
    assert st.stats.retries >= 2
    # The command line: one line on stderr, exit code 4.
    code = main(["summary", "s3://bkt/big"])
    err = capsys.readouterr().err
    assert code == 4 and len(err.strip().splitlines()) == 1 and "network error" in err
    # Back again: loading goes on where it stopped, nothing read twice, the notice clears.
    s3.server.restart()
    s3.server.log.clear()
    logdir.load_all()
    assert logdir.fault is None and st.notice is None
    assert all(len(r.scalars["loss"]) == 3000 for r in logdir.runs.values())
    total = sum(len(p.read_bytes()) for p in (tmp_path / "src").rglob("*tfevents*"))
    # Every byte was fetched once (what was fetched before the fault, prefetched chunks too, is
    # used), but for the head of the record each chunk's end cuts, fetched again with the next.
    assert total <= st.stats.bytes <= total + 200 * st.stats.reads


def test_cli_without_fsspec_names_the_extra(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "fsspec", None)
    monkeypatch.setitem(sys.modules, "fsspec.core", None)
    for argv in (["summary", "s3://b/x"], ["export", "gs://b/x", "--tag", "."], ["ssh://h/x"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "pip install 'tbtui[remote]'" in err


def test_missing_bucket_is_one_line(s3: SimpleNamespace, capsys) -> None:
    code = main(["summary", "s3://no-such-bucket/exp"])
    err = capsys.readouterr().err
    assert code == 4
    assert err.strip() == "tbtui: error: s3://no-such-bucket/exp: bucket or container does not exist"


# -- ssh -------------------------------------------------------------------------------------------


def test_ssh_corpus_summary_equals_local(sshd: SimpleNamespace, monkeypatch, capsys) -> None:
    import fsspec.config

    monkeypatch.setitem(fsspec.config.conf, "ssh", dict(sshd.options))
    local_dir = CORPUS / "torch_mnist_like"
    _, local, _ = summary_json(capsys, str(local_dir))
    code, remote, err = summary_json(capsys, sshd.url(local_dir))
    assert code == 0 and err == "" and remote == local and len(remote["runs"]) > 3


def test_ssh_server_stopped_mid_load_then_back(own_sshd, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(storage, "BACKOFF", 0.01)
    for i in range(3):
        write_run(tmp_path / "logs" / f"r{i}", range(3000))
    st = RemoteStorage(own_sshd.url(tmp_path / "logs"), storage_options=own_sshd.options, retries=1)
    logdir = Logdir(st.url, chunk_bytes=64 << 10, storage=st)
    logdir.refresh(max_bytes=200 << 10)
    before = {n: len(r.scalars["loss"]) for n, r in logdir.runs.items()}
    assert 0 < sum(before.values()) < 9000 and logdir.fault is None
    own_sshd.stop()
    ch = logdir.refresh()
    assert ch.fault is not None and "network error" in ch.fault
    assert {n: len(r.scalars["loss"]) for n, r in logdir.runs.items()} == before
    own_sshd.start()
    logdir.load_all()
    assert logdir.fault is None
    assert {n: len(r.scalars["loss"]) for n, r in logdir.runs.items()} == {f"r{i}": 3000 for i in range(3)}


def test_ssh_growth_reads_only_new_bytes(sshd: SimpleNamespace, tmp_path: Path) -> None:
    full = write_run(tmp_path / "w", range(400))
    cut = cut_at_step(full, 300)
    run = tmp_path / "logs" / "train"
    run.mkdir(parents=True)
    f = run / "events.out.tfevents.1.host"
    f.write_bytes(full[:cut])
    st = RemoteStorage(sshd.url(tmp_path / "logs"), storage_options=sshd.options)
    logdir = Logdir(st.url, storage=st).load_all()
    assert len(logdir.runs["train"].scalars["loss"]) == 300
    with f.open("ab") as out:  # a real append, as a writer on that machine does
        out.write(full[cut:])
    before = st.stats.bytes
    logdir.refresh()
    assert logdir.runs["train"].scalars["loss"].snapshot().steps.tolist() == list(range(400))
    assert st.stats.bytes - before <= len(full) - cut + storage.OVERLAP


async def test_app_shows_a_fault_as_a_notice_and_keeps_the_chart(
    s3: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.app import TbtuiApp
    from tui.widgets.status_bar import StatusBar

    monkeypatch.setattr(storage, "BACKOFF", 0.4)
    monkeypatch.setattr(storage, "RETRIES", 1)
    write_run(tmp_path / "src" / "train", range(50))
    s3.put(tmp_path / "src", "bkt/app")
    app = TbtuiApp("s3://bkt/app", poll=0.1)
    assert app.logdir.remote

    async def until(pilot, cond, what: str) -> None:
        for _ in range(400):
            if cond():
                return
            await pilot.pause(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "train" in app.logdir.runs and app.logdir.loaded_once, "first load")
        await until(pilot, lambda: len(app.logdir.runs["train"].scalars.get("loss", ())) == 50, "points")
        s3.server.stop()
        bar = app.query_one(StatusBar)
        await until(pilot, lambda: "(retry 1 of 1)" in bar.info.notice, "the retry notice")
        await until(pilot, lambda: app.logdir.fault is not None, "the loader to give up")
        await until(pilot, lambda: "network error" in bar.info.notice, "the fault notice")
        assert bar.info.notice.startswith("! s3://bkt/app")
        assert len(app.logdir.runs["train"].scalars["loss"]) == 50  # what was loaded stays


def test_s3_payloads_read_on_demand_equal_the_local_copy(s3: SimpleNamespace, tmp_path: Path) -> None:
    """Images, text, audio, pr curves and graphs of a bucket are read again by ranged requests that
    leave the reader's state alone; an object replaced since is a notice, not a crash."""
    from tui.model.payloads import CACHE, PayloadUnavailable

    s3.put(CORPUS / "tb_native", "bkt/native")
    s3.copy_local(CORPUS / "tb_native", tmp_path)
    remote, local = Logdir("s3://bkt/native").load_all(), Logdir(str(tmp_path)).load_all()
    CACHE.clear()
    compared = 0
    for name, run in local.runs.items():
        for tag, series in run.blobs.items():
            want, got = series.snapshot(), remote.runs[name].blobs[tag].snapshot()
            for i in range(len(want)):
                a, b = want.load(i), got.load(i)
                assert repr(a) == repr(b), (name, tag, i)
                compared += 1
        for gname, entry in run.graphs.items():
            assert remote.runs[name].graphs[gname].data == entry.data
    assert compared > 10
    # The object is replaced by other bytes: the payloads say so.
    snap = remote.runs["v1_pb"].blobs["pr/pr_curves"].snapshot()
    CACHE.clear()
    path = snap.files[0].path
    assert path is not None and path.startswith("s3://bkt/native/")
    s3.fs.pipe_file(path.removeprefix("s3://"), b"\0" * 64)
    with pytest.raises(PayloadUnavailable):
        snap.load(0)
