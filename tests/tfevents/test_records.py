"""The TFRecord reader: framing, CRCs, resumption, damage. Property-based where it can be."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.tfevents import crc
from tui.tfevents.records import RecordReader, RowBlock, scan
from tui.tfevents.writer import frame


def read_all(path: str, chunk: int | None = None) -> tuple[list[bytes], RecordReader]:
    r = RecordReader(path) if chunk is None else RecordReader(path, chunk_bytes=chunk)
    out: list[bytes] = []
    while (fr := r.read()) is not None:
        out.extend(fr.payload(i) for i in range(len(fr)))
    return out, r


def test_crc_check_vector() -> None:
    # FORMAT.md: the bytes "\x1a\x11CRC test, one two" have masked CRC 0x5794d08a.
    assert crc.masked_crc32c(b"\x1a\x11CRC test, one two") == 0x5794D08A


@given(st.lists(st.binary(min_size=0, max_size=40), min_size=2, max_size=64))
def test_bulk_crc_finds_every_bad_row(msgs: list[bytes]) -> None:
    length = max(len(m) for m in msgs)
    rows = np.array([list(m.ljust(length, b"\0")) for m in msgs], dtype=np.uint8).reshape(len(msgs), length)
    crcs = np.array([crc.crc32c(r.tobytes()) for r in rows], dtype=np.uint32)
    assert crc.check_equal_length(rows, crcs).all()
    if length:
        bad = sorted(random.Random(len(msgs)).sample(range(len(msgs)), k=min(2, len(msgs))))
        broken = crcs.copy()
        broken[bad] ^= 1
        assert np.flatnonzero(~crc.check_equal_length(rows, broken)).tolist() == bad


@given(
    st.integers(1, 300),
    st.integers(1, 5000),
    st.sets(st.integers(0, 299), min_size=1),
    st.integers(0, 2**32 - 1),
    st.integers(0, 2**31),
)
def test_bulk_crc_damage_repeated_in_many_rows_never_cancels(
    k: int, length: int, damaged: set[int], pattern: int, seed: int
) -> None:
    """The same damage in any set of rows (an even number included, which an XOR fold of the rows
    cancels) fails exactly those rows; the combined CRC is the CRC of the rows laid end to end."""
    length = min(length, 20_000 // k + 1)
    rows = np.random.default_rng(seed).integers(0, 256, (k, length), dtype=np.uint8)
    crcs = np.array([crc.crc32c(r.tobytes()) for r in rows], dtype=np.uint32)
    assert crc.combined_crc(crcs, length) == crc.crc32c(rows.tobytes())
    bad = sorted(i for i in damaged if i < k) or [0]
    where = pattern % length
    rows[bad, where] ^= np.uint8(pattern % 255 + 1)  # one byte, the same change in every bad row
    assert np.flatnonzero(~crc.check_equal_length(rows, crcs)).tolist() == bad


payloads = st.lists(st.binary(min_size=0, max_size=300), min_size=0, max_size=30)


@given(payloads, st.data())
def test_any_prefix_yields_exactly_the_complete_records(tmp_path_factory, recs: list[bytes], data) -> None:
    blob = b"".join(frame(p) for p in recs)
    cut = data.draw(st.integers(0, len(blob)))
    path = tmp_path_factory.mktemp("p") / "events.out.tfevents.1"
    path.write_bytes(blob[:cut])
    got, reader = read_all(str(path))
    ends = np.cumsum([len(p) + 16 for p in recs]) if recs else np.array([])
    complete = int((ends <= cut).sum())
    assert got == recs[:complete]
    assert reader.problems == []  # an incomplete tail is not damage
    assert reader.offset == (int(ends[complete - 1]) if complete else 0)


@given(payloads, st.lists(st.integers(1, 400), min_size=1, max_size=40))
def test_chunked_growth_equals_reading_whole(tmp_path_factory, recs: list[bytes], cuts: list[int]) -> None:
    """A file that grows in arbitrary pieces (a writer flushing mid-record) reads the same."""
    blob = b"".join(frame(p) for p in recs)
    path = tmp_path_factory.mktemp("g") / "events.out.tfevents.1"
    path.write_bytes(b"")
    reader = RecordReader(str(path))
    got: list[bytes] = []
    pos = 0
    for c in [*cuts, len(blob)]:
        nxt = min(len(blob), pos + c)
        with open(path, "ab") as f:
            f.write(blob[pos:nxt])
        pos = nxt
        while (fr := reader.read()) is not None:
            got.extend(fr.payload(i) for i in range(len(fr)))
        if pos == len(blob):
            break
    while (fr := reader.read()) is not None:
        got.extend(fr.payload(i) for i in range(len(fr)))
    assert got == recs
    assert reader.problems == []


@given(st.binary(min_size=0, max_size=2000))
def test_random_bytes_never_raise(tmp_path_factory, blob: bytes) -> None:
    path = tmp_path_factory.mktemp("r") / "events.out.tfevents.garbage"
    path.write_bytes(blob)
    got, reader = read_all(str(path))
    assert isinstance(reader.problems, list)
    # Whatever came back passed both CRCs, so it is exactly what some writer framed.
    for p in got:
        assert isinstance(p, bytes)


@given(payloads.filter(lambda r: len(r) >= 3), st.data())
def test_flipped_byte_in_payload_skips_only_that_record(tmp_path_factory, recs: list[bytes], data) -> None:
    idx = data.draw(st.integers(0, len(recs) - 1))
    if not recs[idx]:
        recs[idx] = b"x"
    offsets = np.concatenate(([0], np.cumsum([len(p) + 16 for p in recs])))
    blob = bytearray(b"".join(frame(p) for p in recs))
    at = int(offsets[idx]) + 12 + data.draw(st.integers(0, len(recs[idx]) - 1))
    blob[at] ^= 0x5A
    path = tmp_path_factory.mktemp("f") / "events.out.tfevents.1"
    path.write_bytes(bytes(blob))
    got, reader = read_all(str(path))
    assert got == recs[:idx] + recs[idx + 1 :]
    assert len(reader.problems) == 1 and f"record #{idx}" in reader.problems[0]


def test_bad_length_crc_stops_the_file_and_keeps_what_came_before(tmp_path: Path) -> None:
    recs = [os.urandom(50) for _ in range(10)]
    blob = bytearray(b"".join(frame(p) for p in recs))
    blob[5 * 66 + 2] ^= 0xFF  # inside record 5's length field
    path = tmp_path / "events.out.tfevents.1"
    path.write_bytes(bytes(blob))
    got, reader = read_all(str(path))
    assert got == recs[:5]
    assert reader.stopped
    assert "damaged at byte 330" in reader.problems[0]


def test_vanishing_and_shrinking_files_become_problems(tmp_path: Path) -> None:
    path = tmp_path / "events.out.tfevents.1"
    path.write_bytes(frame(b"a") + frame(b"b"))
    reader = RecordReader(str(path))
    assert reader.read() is not None
    path.write_bytes(frame(b"a"))
    assert reader.read() is None
    assert any("shrank" in p for p in reader.problems)
    assert reader.replaced and reader.read() is None  # a shrunk file is another file: stop
    reader = RecordReader(str(path))
    assert reader.read() is not None
    path.unlink()
    assert reader.read() is None
    assert any("vanished" in p for p in reader.problems)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of permissions")
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "events.out.tfevents.1"
    path.write_bytes(frame(b"a"))
    path.chmod(0)
    _, reader = read_all(str(path))
    assert any("cannot read" in p for p in reader.problems)


def test_periodic_scan_agrees_with_sequential_walk() -> None:
    """The numpy extrapolation of repeating record sizes finds exactly the sequential offsets."""
    rng = random.Random(7)
    pattern = [rng.randrange(20, 60) for _ in range(5)]
    recs = []
    for i in range(3000):
        n = pattern[i % 5] + (1 if i in (1234, 2500) else 0)  # pattern breaks twice
        recs.append(bytes([i % 251]) * n)
    blob = b"".join(frame(p) for p in recs) + b"\x10\x00"  # and a torn tail
    res = scan(blob)
    expect_starts = np.cumsum([0] + [len(p) + 16 for p in recs[:-1]]) + 12
    assert list(res.starts) == expect_starts.tolist()
    assert list(res.lengths) == [len(p) for p in recs]
    assert res.end == len(blob) - 2


def _walk(blob: bytes) -> tuple[list[int], list[int], int]:
    """The sequential framing scan must agree with: every record one after another."""
    starts, lengths, pos = [], [], 0
    while pos + 12 <= len(blob):
        length = int.from_bytes(blob[pos : pos + 8], "little")
        if pos + 16 + length > len(blob):
            break
        starts.append(pos + 12)
        lengths.append(length)
        pos += 16 + length
    return starts, lengths, pos


@settings(max_examples=60)
@given(st.integers(0, 2**32))
def test_scan_agrees_with_sequential_walk_on_patterns_with_breaks(seed: int) -> None:
    """Repeating patterns (lengths repeated within one, so a phase is ambiguous), broken by odd
    records at random, resumed at any phase, changed for another: the same records as a walk."""
    rnd = random.Random(seed)
    recs: list[bytes] = []
    for _ in range(rnd.randint(1, 4)):
        pattern = [rnd.choice([30, 30, 31, 45, 200]) for _ in range(rnd.randint(1, 6))]
        phase = 0
        for _ in range(rnd.randint(0, 900)):
            if rnd.random() < 0.01:  # a histogram among the scalars, or a skipped step
                if rnd.random() < 0.5:
                    recs.append(bytes([7]) * rnd.choice([31, 900, 3000]))
                else:
                    phase = rnd.randrange(len(pattern))
            recs.append(bytes([len(recs) % 251]) * pattern[phase])
            phase = (phase + 1) % len(pattern)
    blob = b"".join(frame(p) for p in recs)
    blob = blob[: len(blob) - rnd.choice([0, 0, 3, 20])]  # a torn tail, sometimes
    starts, lengths, end = _walk(blob)
    res = scan(blob)
    assert res.starts.tolist() == starts and res.lengths.tolist() == lengths and res.end == end


@given(st.lists(st.binary(min_size=1, max_size=40), min_size=2, max_size=64), st.integers(0, 15))
def test_bulk_crc_of_word_rows_counts_only_the_message_bytes(msgs: list[bytes], junk: int) -> None:
    """Rows of whole 64-bit words with junk after each message: only the first ``length`` bytes count."""
    length = max(len(m) for m in msgs)
    width = -(-(length + junk) // 8) * 8
    rnd = random.Random(junk)
    padded = [m.ljust(length, b"\0") + bytes(rnd.randrange(256) for _ in range(width - length)) for m in msgs]
    rows = np.frombuffer(b"".join(padded), dtype="<u8").reshape(len(msgs), width // 8)
    crcs = np.array([crc.crc32c(m.ljust(length, b"\0")) for m in msgs], dtype=np.uint32)
    assert crc.check_equal_length(rows, crcs, length).all()
    broken = crcs.copy()
    broken[-1] ^= 4
    assert np.flatnonzero(~crc.check_equal_length(rows, broken, length)).tolist() == [len(msgs) - 1]


@given(st.integers(0, 20), st.integers(1, 40), st.data())
def test_row_block_words_read_every_row_and_pad_the_last(n: int, width: int, data) -> None:
    """A u64 at any byte of every row: the bytes after a row are the next row's, zeros after the last
    (what the column decoder's masks expect); the same through a view where the word fits."""
    rows = np.random.default_rng(n * 41 + width).integers(0, 256, (n, width), dtype=np.uint8)
    block = RowBlock.gather(rows.reshape(-1), np.arange(n, dtype=np.int64) * width, width)
    assert block.matrix.tobytes() == rows.tobytes()
    offset = data.draw(st.integers(0, width - 1))
    padded = rows.tobytes() + bytes(8)
    want = [int.from_bytes(padded[i * width + offset : i * width + offset + 8], "little") for i in range(n)]
    assert block.word(offset).tolist() == want
    assert block.word(offset, copy=False).tolist() == want
    assert block.take(np.arange(n) % 2 == 0).matrix.tobytes() == rows[::2].tobytes()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 60), min_size=1, max_size=4),
    st.integers(64, 400),
    st.sets(st.integers(0, 1599), max_size=6),
    st.booleans(),
    st.integers(0, 2**31),
)
def test_bulk_data_crcs_of_long_runs_of_equal_records_fail_exactly_the_damaged_ones(
    lengths: list[int], per: int, damaged: set[int], in_crc: bool, seed: int
) -> None:
    """Runs of records of one length lie a fixed step apart: their payloads and stored CRCs are
    read as strided views (records.gather, records.u32s_at). Damage to a payload or to its stored
    CRC, anywhere in such a run or between runs, fails exactly the damaged records."""
    from tui.tfevents.records import check_payloads

    rng = np.random.default_rng(seed)
    msgs = [rng.integers(0, 256, n, dtype=np.uint8).tobytes() for n in lengths for _ in range(per)]
    msgs.insert(len(msgs) // 2, b"odd one out, a length of its own: " + bytes(200))
    buf = bytearray(b"".join(frame(m) for m in msgs))
    res = scan(bytes(buf))
    assert len(res.starts) == len(msgs)
    bad = sorted(i for i in damaged if i < len(msgs))
    for i in bad:
        s, n = int(res.starts[i]), int(res.lengths[i])
        buf[s + n if in_crc or n == 0 else s + n // 2] ^= 0x20  # the stored CRC, or a payload byte
    data = bytes(buf)
    ok = check_payloads(data, np.frombuffer(data, np.uint8), res.starts, res.lengths)
    assert np.flatnonzero(~ok).tolist() == bad
