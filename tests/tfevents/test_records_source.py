"""RecordReader through a ByteSource (how remote files are read) gives what the local path gives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as hst

from tui.tfevents.records import RecordReader, Replaced

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
FILES = sorted(p for p in CORPUS.rglob("*tfevents*") if p.is_file() and p.stat().st_size > 0)


class Bytes:
    """A ByteSource over byte strings in memory: the seam's contract and nothing else."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.reads: list[tuple[int, int]] = []
        self.why: str | None = None

    def size(self, path: str) -> int:
        return len(self.files[path]) if path in self.files else -1

    def replaced(self, path: str) -> str | None:
        return self.why

    def read(self, path: str, start: int, n: int) -> bytes:
        self.reads.append((start, n))
        return self.files[path][start : start + n]


def payloads(reader: RecordReader) -> list[bytes]:
    """Every record there is now. A chunk holding only a skipped record hands out nothing (None)
    yet moves the offset, so reading goes on while the offset moves (as Logdir does)."""
    out = []
    while True:
        before = reader.offset
        frames = reader.read()
        if frames is None and reader.offset == before:
            return out
        if frames is not None:
            out.extend(frames.payload(i) for i in range(len(frames)))


@settings(max_examples=25, deadline=None)
@given(k=hst.integers(0, len(FILES) - 1), chunk=hst.integers(16, 1 << 16), cut=hst.floats(0, 1))
def test_same_records_as_the_local_reader_whatever_the_chunks(k: int, chunk: int, cut: float) -> None:
    path = FILES[k]
    data = path.read_bytes()
    local = RecordReader(str(path), chunk_bytes=chunk)
    want = payloads(local)
    # Growing in two steps, cut anywhere (mid-record too), as a writer leaves it between polls.
    src = Bytes({"x": data[: int(len(data) * cut)]})
    remote = RecordReader("x", chunk_bytes=chunk, source=src)
    got = payloads(remote)
    src.files["x"] = data
    got += payloads(remote)
    assert got == want and remote.problems == local.problems and remote.offset == local.offset
    assert all(n <= max(chunk, 1 << 20) or s == 0 for s, n in src.reads)  # ranged, never whole files


def test_replaced_source_stops_the_reader_and_says_why() -> None:
    data = FILES[0].read_bytes()
    src = Bytes({"x": data})
    r = RecordReader("x", source=src)
    assert payloads(r)
    src.why = "object replaced by a shorter one"
    assert r.identity_changed() == "object replaced by a shorter one"
    assert r.replaced and r.read() is None and any("stopped reading it" in p for p in r.problems)


def test_replaced_while_reading_stops_the_reader() -> None:
    class Rewriting(Bytes):
        rewritten = False

        def read(self, path: str, start: int, n: int) -> bytes:
            if self.rewritten:
                raise Replaced("object replaced by one with different content")
            return super().read(path, start, n)

    data = FILES[0].read_bytes()
    src = Rewriting({"x": data})
    r = RecordReader("x", chunk_bytes=len(data) // 2, source=src)
    first = r.read()
    assert first is not None and len(first) >= 1 and r.offset < len(data)
    src.rewritten = True
    assert r.read() is None and r.replaced == "object replaced by one with different content"
    assert r.offset == first.consumed  # what was read stays read; nothing after it was taken
