"""Fuzz: real event files, mutated before and after framing, through the model and `summary --json`.

A seeded loop (so a failure names a case that reproduces): each case takes one real writer's file
from tests/data/corpus and damages it, either inside the records (payload bytes flipped, cut,
spliced, replaced, the same byte hit in every record of one length; then framed again with valid
CRCs, so the decoders see the damage) or in the framed bytes (bit flips, truncation, splices of two
files, length fields rewritten with valid checksums, garbage inserted or appended). Every case must
load without an exception, give strict JSON, and, whenever an independent framer finds the file
damaged, name at least one problem on its file.
"""

from __future__ import annotations

import json
import random
import struct
from collections.abc import Callable
from pathlib import Path

from tui.cli import main as cli_main
from tui.model.logdir import Logdir
from tui.model.summary import logdir_summary
from tui.tfevents import crc
from tui.tfevents.proto import event_pb2
from tui.tfevents.writer import frame

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
SEED = 20261130
CASES = 3000
BATCH = 150  # cases per logdir (one run each), so the model's per-logdir work is shared

# Small files from every writer in the corpus: scalars, histograms, images, audio, text, hparams,
# pr curves, graphs, restarts, NaN/Inf, many tags in one event, unicode tags.
SOURCES = sorted(
    p
    for p in CORPUS.rglob("*tfevents*")
    if p.is_file() and 200 < p.stat().st_size < 140_000 and "garbage" not in p.name
)


def split_records(blob: bytes) -> list[bytes]:
    """Payloads of a well-formed file (the corpus sources are)."""
    out, pos = [], 0
    while pos + 12 <= len(blob):
        (n,) = struct.unpack_from("<Q", blob, pos)
        if pos + 16 + n > len(blob):
            break
        out.append(blob[pos + 12 : pos + 12 + n])
        pos += 16 + n
    return out


def damaged(blob: bytes) -> bool:
    """An independent, sequential framer: does anything in ``blob`` need to be reported?"""
    pos = 0
    while pos < len(blob):
        if len(blob) - pos < 12:
            return True
        head = blob[pos : pos + 8]
        if crc.masked_crc32c(head) != struct.unpack_from("<I", blob, pos + 8)[0]:
            return True
        (n,) = struct.unpack("<Q", head)
        end = pos + 16 + n
        if end > len(blob):
            return True
        payload = blob[pos + 12 : pos + 12 + n]
        if crc.masked_crc32c(payload) != struct.unpack_from("<I", blob, end - 4)[0]:
            return True
        try:
            event_pb2.Event.FromString(payload)
        except Exception:
            return True
        pos = end
    return False


def header(n: int) -> bytes:
    head = struct.pack("<Q", n)
    return head + struct.pack("<I", crc.masked_crc32c(head))


# -- mutations before framing: the decoders see damage behind valid CRCs --------------------------


def reframe(recs: list[bytes], i: int, payload: bytes, *, insert: bool = False) -> bytes:
    """The file with record ``i`` replaced by ``payload`` (or ``payload`` inserted before it)."""
    return b"".join(frame(r) for r in [*recs[:i], payload, *recs[i if insert else i + 1 :]])


def flip_payload_bits(rng: random.Random, recs: list[bytes], _: bytes) -> bytes:
    i = rng.randrange(len(recs))
    p = bytearray(recs[i])
    for _ in range(rng.randint(1, 6)):
        if p:
            p[rng.randrange(len(p))] ^= 1 << rng.randrange(8)
    return reframe(recs, i, bytes(p))


def cut_payload(rng: random.Random, recs: list[bytes], _: bytes) -> bytes:
    i = rng.randrange(len(recs))
    p = recs[i][: rng.randrange(len(recs[i]) + 1)]
    return reframe(recs, i, p)


def splice_payloads(rng: random.Random, recs: list[bytes], other: bytes) -> bytes:
    others = split_records(other) or [b""]
    i, o = rng.randrange(len(recs)), rng.choice(others)
    p = recs[i][: rng.randrange(len(recs[i]) + 1)] + o[rng.randrange(len(o) + 1) :]
    return reframe(recs, i, p)


def garbage_payload(rng: random.Random, recs: list[bytes], _: bytes) -> bytes:
    i = rng.randrange(len(recs))
    p = rng.randbytes(rng.choice([0, 1, 5, 40, 300]))
    return reframe(recs, i, p, insert=True)


def same_byte_in_every_record(rng: random.Random, recs: list[bytes], _: bytes) -> bytes:
    """Many records of one length hit alike: what the column decoder groups together."""
    length = rng.choice(sorted({len(r) for r in recs}))
    at, bit = rng.randrange(max(length, 1)), 1 << rng.randrange(8)
    out = []
    for r in recs:
        if len(r) == length and length:
            b = bytearray(r)
            b[at] ^= bit
            r = bytes(b)
        out.append(r)
    return b"".join(frame(r) for r in out)


def shuffle_records(rng: random.Random, recs: list[bytes], _: bytes) -> bytes:
    recs = list(recs)
    rng.shuffle(recs)
    return b"".join(frame(r) for r in recs)


# -- mutations after framing ------------------------------------------------------------------------


def flip_bits(rng: random.Random, _: list[bytes], blob: bytes) -> bytes:
    b = bytearray(blob)
    for _ in range(rng.randint(1, 8)):
        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return bytes(b)


def truncate(rng: random.Random, _: list[bytes], blob: bytes) -> bytes:
    return blob[: rng.randrange(len(blob))]


def splice_files(rng: random.Random, recs: list[bytes], other: bytes) -> bytes:
    blob = b"".join(frame(r) for r in recs)
    return blob[: rng.randrange(len(blob) + 1)] + other[rng.randrange(len(other) + 1) :]


def rewrite_length(rng: random.Random, recs: list[bytes], _: bytes) -> bytes:
    """A record's length replaced, with a valid length CRC: huge, zero, or a little off."""
    i = rng.randrange(len(recs))
    n = len(recs[i])
    new = rng.choice([0, 1, max(n - 1, 0), n + 1, n + 1000, 1 << 31, 1 << 40, (1 << 64) - 1])
    rec = header(new) + recs[i] + struct.pack("<I", crc.masked_crc32c(recs[i]))
    return b"".join(frame(r) for r in recs[:i]) + rec + b"".join(frame(r) for r in recs[i + 1 :])


def insert_garbage(rng: random.Random, _: list[bytes], blob: bytes) -> bytes:
    at = rng.randrange(len(blob) + 1)
    return blob[:at] + rng.randbytes(rng.choice([1, 7, 12, 16, 100, 5000])) + blob[at:]


def append_garbage(rng: random.Random, _: list[bytes], blob: bytes) -> bytes:
    return blob + rng.choice([b"\x00" * rng.randint(1, 50), rng.randbytes(rng.randint(1, 300))])


MUTATIONS: list[Callable[[random.Random, list[bytes], bytes], bytes]] = [
    flip_payload_bits,
    cut_payload,
    splice_payloads,
    garbage_payload,
    same_byte_in_every_record,
    shuffle_records,
    flip_bits,
    truncate,
    splice_files,
    rewrite_length,
    insert_garbage,
    append_garbage,
]


def make_cases(rng: random.Random, blobs: list[bytes], n: int) -> list[tuple[str, bytes]]:
    cases = []
    for k in range(n):
        i = rng.randrange(len(blobs))
        recs = split_records(blobs[i])
        mutate = MUTATIONS[k % len(MUTATIONS)]
        other = blobs[rng.randrange(len(blobs))]
        blob = mutate(rng, recs, other if mutate in (splice_payloads, splice_files) else blobs[i])
        cases.append((f"{k:04d}_{mutate.__name__}_{SOURCES[i].parent.name}", blob))
    return cases


def test_mutated_real_event_files_never_raise_and_damage_is_always_named(tmp_path: Path) -> None:
    assert len(SOURCES) >= 15
    blobs = [p.read_bytes() for p in SOURCES]
    rng = random.Random(SEED)
    cases = make_cases(rng, blobs, CASES)
    unnamed = []
    for b in range(0, CASES, BATCH):
        root = tmp_path / f"batch{b // BATCH:02d}"
        for name, blob in cases[b : b + BATCH]:
            (root / name).mkdir(parents=True)
            (root / name / "events.out.tfevents.1.fuzz").write_bytes(blob)
        try:
            logdir = Logdir(str(root)).load_all()
            text = json.dumps(logdir_summary(logdir), allow_nan=False)
        except Exception as e:  # pragma: no cover - the message names the batch to reproduce
            raise AssertionError(f"seed {SEED}, batch {b // BATCH}: {type(e).__name__}: {e}") from e
        data = json.loads(text)
        for name, blob in cases[b : b + BATCH]:
            files = data["runs"][name]["files"]
            if damaged(blob) and not files[0]["problems"]:
                unnamed.append(name)
    assert unnamed == [], f"damage without a problem named: {unnamed[:10]}"


def test_summary_json_cli_on_a_fuzzed_logdir(tmp_path: Path, capsys) -> None:
    """The command itself, end to end, on one batch: exit 0 and strict JSON."""
    blobs = [p.read_bytes() for p in SOURCES]
    for name, blob in make_cases(random.Random(SEED + 1), blobs, 60):
        (tmp_path / name).mkdir()
        (tmp_path / name / "events.out.tfevents.1.fuzz").write_bytes(blob)
    assert cli_main(["summary", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["runs"]) == 60
