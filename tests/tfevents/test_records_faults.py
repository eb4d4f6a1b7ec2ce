"""The reader under faults (issue 11, findings 9 and 10): cut records of any size, impossible
lengths, stalled tails that must cost no reads, and files replaced under a reader."""

from __future__ import annotations

import builtins
import os
import struct
from pathlib import Path

import pytest

from tui.tfevents import crc, records
from tui.tfevents.records import RecordReader
from tui.tfevents.writer import frame


def header(length: int) -> bytes:
    """A record header claiming ``length`` bytes, with a valid length CRC."""
    head = struct.pack("<Q", length)
    return head + struct.pack("<I", crc.masked_crc32c(head))


def read_all(reader: RecordReader) -> list[bytes]:
    out: list[bytes] = []
    while (fr := reader.read()) is not None:
        out.extend(fr.payload(i) for i in range(len(fr)))
    return out


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file the reader opens, in order."""
    seen: list[str] = []

    def counting_open(path, *args, **kwargs):
        seen.append(str(path))
        return builtins.open(path, *args, **kwargs)

    monkeypatch.setattr(records, "open", counting_open, raising=False)
    return seen


def test_record_cut_more_than_a_chunk_before_eof_is_named_and_not_reread(
    tmp_path: Path, opens: list[str]
) -> None:
    """A writer dying inside a big image: the cut record is a problem, and waiting costs no reads."""
    path = tmp_path / "events.out.tfevents.1"
    good = [frame(bytes([i]) * 40) for i in range(3)]
    claimed = 1 << 20
    path.write_bytes(b"".join(good) + header(claimed) + b"\x00" * 300_000)
    reader = RecordReader(str(path), chunk_bytes=1 << 16)
    assert len(read_all(reader)) == 3
    at = sum(len(g) for g in good)
    note = reader.incomplete()
    assert note is not None and f"incomplete record at byte {at}" in note and str(claimed + 16) in note
    assert reader.pending == 0  # not "loading" forever
    opens.clear()
    for _ in range(5):
        assert reader.read() is None
    assert opens == []  # a stalled tail costs a stat, not a re-read
    with open(path, "ab") as f:  # the writer goes on, still short of the end of that record
        f.write(b"\x00" * 100_000)
    assert reader.read() is None and opens == []
    assert "400012" in (reader.incomplete() or "")


def test_stale_incomplete_record_is_said_to_be_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "events.out.tfevents.1"
    path.write_bytes(frame(b"a") + header(5000) + b"x" * 100)
    reader = RecordReader(str(path))
    read_all(reader)
    assert "still being written" in (reader.incomplete() or "")
    old = path.stat().st_mtime - 3600
    os.utime(path, (old, old))
    read_all(reader)
    assert "cut short (the file has not changed" in (reader.incomplete() or "")


def test_impossible_length_mid_file_stops_with_a_problem(tmp_path: Path) -> None:
    """A CRC-valid length no event can have, followed by good records: damage, named, not a wait."""
    path = tmp_path / "events.out.tfevents.1"
    before = [frame(b"%05d" % i) for i in range(1000)]
    after = [frame(b"%05d" % i) for i in range(1000)]
    path.write_bytes(b"".join(before) + header(1 << 40) + b"".join(after))
    reader = RecordReader(str(path), chunk_bytes=4096)
    assert len(read_all(reader)) == 1000
    at = sum(len(b) for b in before)
    assert reader.stopped
    assert any(f"damaged at byte {at}" in p and "more than any event can have" in p for p in reader.problems)


def test_replaced_by_a_longer_file_is_a_new_file_not_damage(tmp_path: Path) -> None:
    path = tmp_path / "events.out.tfevents.1"
    path.write_bytes(b"".join(frame(b"old%d" % i) for i in range(3)))
    reader = RecordReader(str(path))
    assert len(read_all(reader)) == 3
    tmp = tmp_path / "new"
    tmp.write_bytes(b"".join(frame(b"new record %d" % i) for i in range(10)))
    os.replace(tmp, path)
    assert read_all(reader) == []
    assert reader.replaced == "replaced by another file"
    assert not any("checksum" in p for p in reader.problems)


def test_rewritten_in_place_is_told_by_its_first_record(tmp_path: Path) -> None:
    path = tmp_path / "events.out.tfevents.1"
    path.write_bytes(b"".join(frame(b"old%d" % i) for i in range(3)))
    reader = RecordReader(str(path))
    read_all(reader)
    ino = path.stat().st_ino
    with open(path, "r+b") as f:  # same inode, new content, longer
        f.write(b"".join(frame(b"other %d" % i) for i in range(10)))
    assert path.stat().st_ino == ino
    assert reader.identity_changed() == "rewritten in place (its first record changed)"
    assert read_all(reader) == []


def test_appends_keep_the_identity(tmp_path: Path) -> None:
    path = tmp_path / "events.out.tfevents.1"
    path.write_bytes(frame(b"a"))
    reader = RecordReader(str(path))
    read_all(reader)
    with open(path, "ab") as f:
        f.write(frame(b"b"))
    assert reader.identity_changed() is None
    assert read_all(reader) == [b"b"]


def test_problems_are_capped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "events.out.tfevents.1"
    recs = [bytearray(frame(b"%04d" % i)) for i in range(200)]
    for i, r in enumerate(recs):
        r[12 + i % 4] ^= 1 << (i % 7)  # a payload bit: every data CRC fails
    path.write_bytes(b"".join(recs))
    reader = RecordReader(str(path))
    assert read_all(reader) == []
    assert len(reader.problems) == records.MAX_PROBLEMS
    assert reader.more_problems == 200 - records.MAX_PROBLEMS


def test_identical_damage_in_every_record_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "events.out.tfevents.1"
    recs = [bytearray(frame(b"%04d" % i)) for i in range(200)]
    for r in recs:
        r[13] ^= 1  # the same bit of every record
    path.write_bytes(b"".join(recs))
    assert read_all(RecordReader(str(path))) == []
