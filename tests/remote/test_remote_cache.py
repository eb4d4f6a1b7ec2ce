"""The reopen cache on a bucket (moto's S3 server on loopback): unchanged objects cost one listing and
no read of their event stream on reopen; a run whose object changed is read cold; growth after a
restore is still told from a rewrite by the storage's overlap check."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from tui.cli import main
from tui.cli.common import json_text
from tui.model import cache, storage
from tui.model.cache import ReadCache
from tui.model.logdir import Logdir
from tui.model.summary import logdir_summary
from tui.tfevents.records import HEADER, scan
from tui.tfevents.writer import EventFileWriter

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def write_run(path: Path, steps: range, *, seed: float = 0.0) -> bytes:
    with EventFileWriter(str(path), legacy=True) as w:
        for s in steps:
            w.add_scalar("loss", 1.0 / (s + 1) + seed, s, wall_time=1.7e9 + s)
    (f,) = path.iterdir()
    return f.read_bytes()


def state(logdir: Logdir) -> str:
    return json_text(logdir_summary(logdir), indent=1)


def test_s3_reopen_restores_unchanged_objects_without_a_get(s3: SimpleNamespace, capsys) -> None:
    s3.put(CORPUS / "tf2", "bkt/tf2")
    url = "s3://bkt/tf2"
    assert main(["summary", url, "--json", "--no-cache"]) == 0
    cold = capsys.readouterr().out
    assert main(["summary", url, "--json"]) == 0 and capsys.readouterr().out == cold
    entries = cache.stats().entries
    assert entries == 5
    s3.server.log.clear()
    assert main(["summary", url, "--json"]) == 0 and capsys.readouterr().out == cold
    assert len(s3.server.listings()) == 1
    # No event stream is read again: the only GETs are the graphs the summary counts the nodes of,
    # one ranged read of one record each (payloads are read on demand, cached or not).
    graphs = sum(len(r["graphs"]) for r in json.loads(cold)["runs"].values())
    gets = s3.server.gets("tfevents")
    assert len(gets) <= graphs and all(g.range and not g.range.startswith("bytes=0-") for g in gets)


def test_s3_changed_object_means_a_cold_read_of_its_run_only(s3: SimpleNamespace, tmp_path: Path) -> None:
    a = write_run(tmp_path / "a", range(300))
    b = write_run(tmp_path / "b", range(50))
    s3.fs.pipe_file("bkt/x/a/events.out.tfevents.1.host", a[: len(a) // 2])
    s3.fs.pipe_file("bkt/x/b/events.out.tfevents.1.host", b)
    folder = tmp_path / "cache"
    logdir = Logdir("s3://bkt/x", cache=ReadCache(str(folder))).load_all()
    logdir.save_cache()
    s3.fs.pipe_file("bkt/x/a/events.out.tfevents.1.host", a)  # grown: a new object
    rc = ReadCache(str(folder))
    again = Logdir("s3://bkt/x", cache=rc).load_all()
    assert rc.restored == ["b"]
    assert state(again) == state(Logdir("s3://bkt/x").load_all())
    assert again.runs["a"].scalars["loss"].steps.tolist() == list(range(300))


def test_s3_growth_after_a_restore_reads_only_new_bytes(s3: SimpleNamespace, tmp_path: Path) -> None:
    full = write_run(tmp_path / "a", range(400))
    starts = scan(full).starts
    cut = int(starts[len(starts) // 2]) - HEADER  # a record boundary: the object ends with a whole record
    key = "bkt/g/train/events.out.tfevents.1.host"
    url = "s3://" + key
    s3.fs.pipe_file(key, full[:cut])
    folder = tmp_path / "cache"
    Logdir("s3://bkt/g", cache=ReadCache(str(folder))).load_all().save_cache()
    rc = ReadCache(str(folder))
    s3.server.log.clear()
    logdir = Logdir("s3://bkt/g", cache=rc).load_all()
    assert rc.restored == ["train"] and s3.server.gets("events") == []
    offset = logdir.runs["train"].files[url].offset
    end = logdir.storage.served(url)[0]
    s3.fs.pipe_file(key, full)  # grows while this session watches
    s3.server.log.clear()
    logdir.load_all()
    # The storage checked the bytes before what the cached session was served (its overlap) and
    # fetched from there: nothing before it was read again.
    assert sum(g.sent for g in s3.server.gets("events")) == len(full) - min(offset, end - storage.OVERLAP)
    assert logdir.runs["train"].scalars["loss"].steps.tolist() == list(range(400))
    assert state(logdir) == state(Logdir("s3://bkt/g").load_all())
    # Rewritten rather than grown: told apart, as in a session that read the object itself.
    s3.fs.pipe_file(key, write_run(tmp_path / "b", range(500), seed=5.0))
    logdir.load_all()
    assert "replaced" in " ".join(logdir.runs["train"].problems)
