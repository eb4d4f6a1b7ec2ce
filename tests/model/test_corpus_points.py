"""Every point of every series on every corpus logdir equals TensorBoard's, in TensorBoard's order.

test_corpus_expected.py checks counts, ends and extremes against EXPECTED.json; this checks every
scalar (step, wall time, value) and every histogram (step, wall time, buckets) against
TensorBoard's own multiplexer on the same files, read both with the default slice sizes and with
tiny ones, so that a run's files cross many slice boundaries as megabyte files would.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tui.model.logdir import Logdir

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
LOGDIRS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())

# b_crc_mismatch: record #750 has a bad data CRC. TensorBoard stops reading the file there; tbtui
# skips that record only (test_corpus_expected.py checks what it says about it).
READ_ON = {"edge_cases": frozenset({"b_crc_mismatch"})}


@pytest.mark.parametrize("name", LOGDIRS)
def test_every_point_equals_tensorboard(name: str, tensorboard: SimpleNamespace) -> None:
    logdir = str(CORPUS / name)
    want = tensorboard.TensorBoard(logdir).reload()
    for kwargs in ({}, {"chunk_bytes": 2 << 10, "first_slice": 1 << 10}):
        ours = tensorboard.points_of(Logdir(logdir, **kwargs).load_all())
        tensorboard.assert_same(ours, want, read_on=READ_ON.get(name, frozenset()))
