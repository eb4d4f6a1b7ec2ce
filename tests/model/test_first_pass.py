"""A first pass over thousands of runs costs O(runs) in system calls, not O(runs) per slice.

The loader reads a sweep slice by slice and publishes after each one; what a slice learns of the
bytes still pending must come from what it read, not from a ``stat`` of every file (on NFS, 2,000
stats per slice were seconds each). A round of chunks cut short by a budget goes on where it was
cut, so the last runs of a long list are reached however little each slice may read.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tui.model.loader import Loader, loaded_fraction
from tui.model.logdir import Changes, Logdir
from tui.tfevents.writer import EventFileWriter


def write_runs(root: Path, n: int, steps: int = 3) -> list[str]:
    names = [f"run_{i:03d}" for i in range(n)]
    for name in names:
        with EventFileWriter(str(root / name), legacy=True, filename="events.out.tfevents.1.x") as w:
            for s in range(steps):
                w.add_scalar("loss", 1.0 / (s + 1), s, wall_time=1.7e9 + s)
    return names


def test_a_first_pass_stats_each_file_a_few_times_not_once_per_slice(tmp_path, monkeypatch) -> None:
    runs = 150
    write_runs(tmp_path, runs)
    ld = Logdir(str(tmp_path), workers=0)
    ld.discover()
    stats = {"n": 0}
    real = os.stat

    def counted(path, *args, **kwargs):
        if "tfevents" in os.fspath(path):
            stats["n"] += 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counted)
    slices = 0
    idle = 0
    while idle < 2:  # the loader's first pass: one run a slice, until nothing is left twice
        ch = ld.refresh(1, rediscover=False, known_only=True)
        slices += 1
        idle = 0 if ch.bytes_read or ch.pending else idle + 1
        assert ch.runs_total == runs
    assert slices > runs  # a slice each (a stat of every file after each would be runs**2)
    assert stats["n"] <= 3 * runs
    assert all(r.scalars for r in ld.runs.values())
    assert (ch.pending, ch.runs_read, ch.runs_unknown) == (0, runs, 0)


def test_pending_counts_runs_read_and_runs_not_looked_at_yet(tmp_path) -> None:
    write_runs(tmp_path, 10)
    ld = Logdir(str(tmp_path), workers=0)
    ld.discover()
    ch = ld.refresh(1, rediscover=False)  # one run's first slice
    assert (ch.runs_read, ch.runs_total, ch.runs_unknown) == (1, 10, 9)
    assert ch.pending == 9  # a byte for each run whose size is not known yet: reading goes on
    assert ld.pending_bytes() > 0  # the full look stats them
    ld.load_all()
    assert ld.pending_bytes() == 0


def test_growth_after_a_run_was_read_is_read_by_the_next_full_refresh(tmp_path) -> None:
    write_runs(tmp_path, 3)
    ld = Logdir(str(tmp_path), workers=0).load_all()
    with EventFileWriter(str(tmp_path / "run_001"), legacy=True, filename="events.out.tfevents.2.x") as w:
        w.add_scalar("loss", 9.0, 7, wall_time=1.8e9)
    ch = ld.refresh(known_only=True, rediscover=False)  # the first pass's refresh: no new look
    assert not ch.changed_runs
    ch = ld.refresh()  # the watcher's news: a walk, and a look at every run
    assert ch.changed_runs == {"run_001"} and ch.pending == 0
    assert ld.runs["run_001"].scalars["loss"].steps[-1] == 7


def test_a_round_cut_by_the_budget_goes_on_where_it_stopped(tmp_path) -> None:
    """Runs bigger than their first slice: each refresh reads a few chunks, the next refresh the
    next runs' chunks, so every run is reached in turn (restarting each round at the first run, a
    slow storage where a round never fits a slice would read the first runs over and over)."""
    names = write_runs(tmp_path, 12, steps=60)
    ld = Logdir(str(tmp_path), chunk_bytes=256, first_slice=256, workers=0)
    ld.discover()
    for _ in names:
        ld.refresh(1, rediscover=False)  # a run's first slice each
    assert all(r.scalars for r in ld.runs.values())
    # A budget of a byte: one chunk of one run a refresh.
    assert [ld.refresh(1, rediscover=False).changed_runs for _ in names] == [{n} for n in names]


def test_the_screen_moving_starts_the_next_round_with_what_it_shows(tmp_path) -> None:
    names = write_runs(tmp_path, 12, steps=60)
    ld = Logdir(str(tmp_path), chunk_bytes=256, first_slice=256, workers=0)
    ld.discover()
    for _ in names:
        ld.refresh(1, rediscover=False)
    assert ld.refresh(1, rediscover=False).changed_runs == {"run_000"}
    ld.read_first(["run_010", "run_011"])
    assert [ld.refresh(1, rediscover=False).changed_runs for _ in range(3)] == [
        {"run_010"},
        {"run_011"},
        {"run_000"},
    ]


@pytest.mark.parametrize(
    ("done", "changes", "expected"),
    [
        (0, Changes(pending=10, runs_total=10, runs_unknown=10), 0.0),
        # 1 run of 10 read (100 bytes): the 9 not looked at are guessed as big.
        (100, Changes(pending=9, runs_read=1, runs_total=10, runs_unknown=9), 0.1),
        # One big run: its bytes left are known.
        (300, Changes(pending=700, runs_total=1), 0.3),
    ],
)
def test_loaded_fraction(done: int, changes: Changes, expected: float) -> None:
    assert loaded_fraction(done, changes) == pytest.approx(expected)


def test_the_loader_publishes_the_run_list_before_reading_and_counts_runs(tmp_path) -> None:
    write_runs(tmp_path, 20)
    ld = Logdir(str(tmp_path), workers=0)
    published: list[tuple[Changes, float | None]] = []
    done = threading.Event()

    def publish(ch: Changes, loading: float | None) -> None:
        published.append((ch, loading))
        if loading is None and len(published) > 1:
            done.set()

    loader = Loader(ld, publish=publish, on_mode=lambda mode: None, slice_bytes=1)
    loader.first_frame_shown.set()
    thread = threading.Thread(target=loader.run)
    thread.start()
    try:
        assert done.wait(30)
    finally:
        loader.close()
        thread.join(30)
    # (a walk longer than discovery.PROGRESS_SECONDS may have said how many runs it had found)
    first, loading = next((ch, loading) for ch, loading in published if ch.new_runs)
    assert len(first.new_runs) == 20 and (first.runs_read, first.runs_total) == (0, 20) and loading == 0.0
    reads = [ch.runs_read for ch, loading in published if loading is not None]
    assert reads == sorted(reads) and reads[-1] >= 19  # counted up, one run a slice
    fractions = [loading for _, loading in published if loading is not None]
    assert fractions == sorted(fractions) and fractions[-1] < 1


def test_an_interrupt_ends_a_refresh_at_the_next_run(tmp_path) -> None:
    """The app's loader is interrupted by a key: the slice ends between two runs, and the next
    refresh goes on with the runs it had not reached."""
    names = write_runs(tmp_path, 10)
    ld = Logdir(str(tmp_path), workers=0)
    ld.discover()
    asked = {"n": 0}

    def interrupt() -> bool:
        asked["n"] += 1
        return asked["n"] > 2  # asked before the second run on: three runs, then a key

    ld.interrupt = interrupt
    assert ld.refresh(max_seconds=60).changed_runs == set(names[:3])
    ld.interrupt = None
    assert ld.refresh(max_seconds=60).changed_runs == set(names[3:])


def test_a_key_holds_the_loader_for_a_moment_and_not_again_at_once(tmp_path) -> None:
    write_runs(tmp_path, 2)
    ld = Logdir(str(tmp_path), workers=0)
    loader = Loader(ld, publish=lambda ch, loading: None, on_mode=lambda mode: None)
    assert ld.interrupt is not None and not ld.interrupt()
    loader.hold()
    assert ld.interrupt()  # the slice being read stops at its next run
    held = loader._held_until
    loader.hold()  # a second key while held: the hold is not extended
    assert loader._held_until == held


def test_the_loader_stands_aside_while_the_ui_applies_a_slice(tmp_path, monkeypatch) -> None:
    """A push of the first pass: the slice being read stops at its next run, and the next one waits
    until the UI says its frame is drawn (carry_on), or ASIDE_SECONDS at most if it never does."""
    from tui.model import loader as loader_module

    monkeypatch.setattr(loader_module, "ASIDE_SECONDS", 600.0)  # only carry_on ends it here
    write_runs(tmp_path, 2)
    ld = Logdir(str(tmp_path), workers=0)
    loader = Loader(ld, publish=lambda ch, loading: None, on_mode=lambda mode: None)
    loader.stand_aside()
    assert ld.interrupt()
    waited = threading.Event()

    def next_slice() -> None:
        loader._wait_hold()
        waited.set()

    t = threading.Thread(target=next_slice)
    t.start()
    assert not waited.wait(0.05)  # the next slice waits while the loader stands aside
    loader.carry_on()
    assert waited.wait(5)  # the UI drew its frame: the reading goes on
    t.join()
    assert not ld.interrupt()
    # Never told: the stand-aside ends by itself, ASIDE_SECONDS on.
    loader.stand_aside()
    assert ld.interrupt()
    loader._aside_until -= loader_module.ASIDE_SECONDS
    assert not ld.interrupt()


def test_a_long_walk_says_how_many_runs_it_has_found(tmp_path, monkeypatch) -> None:
    from tui.model import discovery

    write_runs(tmp_path, 30)
    monkeypatch.setattr(discovery, "PROGRESS_SECONDS", 0.0)  # a report at every folder
    heard: list[int] = []
    ld = Logdir(str(tmp_path), workers=0)
    assert len(ld.discover(heard.append)) == 30
    assert heard == sorted(heard) and heard[0] == 0 and heard[-1] == 29  # (before the last folder)


def test_a_write_the_watcher_saw_is_read_without_looking_at_every_run(tmp_path, monkeypatch) -> None:
    """Live, a sweep where one run writes: the watcher names the file, and only its run is looked
    at again (a stat of 2,000 files for each write of one run was the price before)."""
    write_runs(tmp_path, 40)
    ld = Logdir(str(tmp_path), workers=0).load_all()
    path = next(iter(ld.runs["run_007"].files))
    with open(path, "ab") as f, open(next(iter(ld.runs["run_000"].files)), "rb") as g:
        f.write(g.read())  # a copy of a whole event file's records: steps 0-2 again
    assert ld.runs_holding([path, str(tmp_path / "elsewhere")]) == {"run_007"}
    grown = os.path.getsize(path) // 2
    stats = {"n": 0}
    real = os.stat

    def counted(p, *args, **kwargs):
        stats["n"] += "tfevents" in os.fspath(p)
        return real(p, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counted)
    ch = ld.refresh(rediscover=False, known_only=True, look_at={"run_007"})
    assert ch.changed_runs == {"run_007"} and ch.bytes_read == grown
    assert ch.pending == 0 and stats["n"] <= 3


def test_the_first_pass_publishes_less_often_once_the_first_screen_is_up(tmp_path, monkeypatch) -> None:
    """After the first screen, slices are published together (every screen update redraws a chart
    of every run read so far): nothing read is left out of what is published."""
    from tui.model import loader as loader_module

    names = write_runs(tmp_path, 20)
    monkeypatch.setattr(loader_module, "FIRST_SECONDS", 0.0)
    monkeypatch.setattr(loader_module, "PUBLISH_SECONDS", 1e9)
    ld = Logdir(str(tmp_path), workers=0)
    published: list[tuple[Changes, float | None]] = []
    done = threading.Event()

    def publish(ch: Changes, loading: float | None) -> None:
        published.append((ch, loading))
        if not ch.any and loading is None:
            done.set()

    loader = Loader(ld, publish=publish, on_mode=lambda mode: None, slice_bytes=1)
    loader.first_frame_shown.set()
    thread = threading.Thread(target=loader.run)
    thread.start()
    try:
        assert done.wait(30)
    finally:
        loader.close()
        thread.join(30)
    read = [ch for ch, _ in published if ch.changed_runs]
    assert len(read) == 2  # the first slice (one run), then the other 19 together
    assert read[0].changed_runs == {names[0]} and read[1].changed_runs == set(names[1:])
    on_disk = sum(p.stat().st_size for p in tmp_path.rglob("*tfevents*"))
    assert read[0].bytes_read + read[1].bytes_read == on_disk
