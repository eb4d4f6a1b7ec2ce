"""The change feed: file events, polling, and the fall back between them."""

from __future__ import annotations

import os
import shutil
import time

from tui.model.watch import NO_LOGDIR, NOT_A_DIR, ChangeFeed


def wait_true(feed: ChangeFeed, tries: int = 100) -> bool:
    """True once the feed reports a change (bounded: ``tries`` waits of 0.1 s)."""
    return any(feed.wait(0.1) for _ in range(tries))


def test_events_report_an_append(tmp_path):
    path = tmp_path / "events.out.tfevents.1"
    path.write_bytes(b"x")
    feed = ChangeFeed(str(tmp_path), safety_interval=60)
    try:
        assert feed.mode == "events"
        # Nothing happened: a short wait reports nothing.
        assert feed.wait(0.05) is False
        with open(path, "ab") as f:
            f.write(b"more")
        assert wait_true(feed)
    finally:
        feed.close()
    assert feed.wait(0.05) is False  # closed feeds never block or report


def test_events_report_a_new_run_directory(tmp_path):
    feed = ChangeFeed(str(tmp_path), safety_interval=60)
    try:
        os.makedirs(tmp_path / "run2")
        (tmp_path / "run2" / "events.out.tfevents.2").write_bytes(b"x")
        assert wait_true(feed)
    finally:
        feed.close()


def test_polling_reports_every_interval(tmp_path):
    feed = ChangeFeed(str(tmp_path), poll_interval=0.05)
    try:
        assert feed.mode == "polling" and feed.reason == "--poll"
        t0 = time.monotonic()
        assert wait_true(feed)
        assert wait_true(feed)
        assert time.monotonic() - t0 >= 0.1
    finally:
        feed.close()


def test_missing_logdir_polls_then_switches_to_events(tmp_path):
    root = tmp_path / "later"
    feed = ChangeFeed(str(root))
    try:
        assert feed.mode == "polling" and feed.reason == NO_LOGDIR
        root.mkdir()
        assert wait_true(feed, tries=30)  # the poll tick notices and starts watching
        assert feed.mode == "events"
    finally:
        feed.close()


def test_a_failing_watcher_falls_back_to_polling(tmp_path):
    def broken(*args, **kwargs):
        raise OSError("inotify watch limit reached")
        yield  # pragma: no cover

    feed = ChangeFeed(str(tmp_path), watch_factory=broken)
    try:
        assert wait_true(feed, tries=30)  # the switch itself wakes the waiter
        assert feed.mode == "polling"
        assert "inotify watch limit reached" in feed.reason
    finally:
        feed.close()


def test_poke_wakes_a_waiter(tmp_path):
    feed = ChangeFeed(str(tmp_path), safety_interval=60)
    try:
        feed.poke()
        assert feed.wait(5) is True
    finally:
        feed.close()


def wait_for(feed: ChangeFeed, cond, tries: int = 100) -> bool:
    """Drive the feed until ``cond()`` holds (bounded: ``tries`` waits of 0.1 s)."""
    for _ in range(tries):
        if cond():
            return True
        feed.wait(0.1)
    return cond()


def test_the_watch_is_rearmed_when_the_logdir_is_deleted_and_recreated(tmp_path):
    """Issue 11, finding 11: the watch must not stay on the dead inode of a deleted logdir."""
    root = tmp_path / "logs"
    root.mkdir()
    feed = ChangeFeed(str(root), safety_interval=600)  # only file events can wake it
    try:
        assert feed.mode == "events" and feed.armed == 1
        shutil.rmtree(root)
        root.mkdir()  # often with the very same inode number
        st = root.stat()
        assert wait_for(feed, lambda: feed.armed == 2 and feed.mode == "events")
        assert feed.watching == (st.st_dev, st.st_ino)
        feed.take_changes()
        (root / "events.out.tfevents.1").write_bytes(b"x")
        assert wait_true(feed)
        changes = feed.take_changes()  # a file event, not a poll: the feed knows what changed
        assert changes is not None and any(p.endswith("events.out.tfevents.1") for _, p in changes)
    finally:
        feed.close()


def test_a_logdir_that_is_a_file_is_not_called_missing(tmp_path):
    path = tmp_path / "logs"
    path.write_text("a file")
    feed = ChangeFeed(str(path))
    try:
        assert feed.mode == "polling" and feed.reason == NOT_A_DIR
    finally:
        feed.close()


def test_changes_are_kept_until_taken_and_unknown_after_a_poll(tmp_path):
    feed = ChangeFeed(str(tmp_path), safety_interval=600)
    try:
        assert feed.take_changes() is None  # before anything: nobody knows, walk everything
        (tmp_path / "a").mkdir()
        assert wait_true(feed)
        changes = feed.take_changes()
        assert changes is not None and ("added", str(tmp_path / "a")) in changes
        assert feed.take_changes() == set()
        feed.poke()
        assert feed.wait(5) and feed.take_changes() is None
    finally:
        feed.close()
