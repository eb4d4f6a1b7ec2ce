"""Logs written by the real writers, read by tbtui and by TensorBoard: the same runs, tags and points.

The scenarios and the comparison live in scripts/differential.py (run it to see every difference
at once); here each scenario is one test, with tensorboardX (always installed for the tests) and
torch (skipped without it), plus tensorboard's own protos and record writer for what neither
writes (float16/float64/int tensors, SessionLog, files with no version, odd file names).
Hypothesis then writes random sequences of tensorboardX calls, reopened writers with purge_step
included, and checks the two readings agree point for point. The logdirs of
tests/data/corpus/writers (TF, Keras, Lightning and transformers, which the tests do not need
installed) are compared the same way.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("tensorboard.backend.event_processing.plugin_event_multiplexer")
pytest.importorskip("tensorboardX")

from tests.model.differential_module import differential

JOBS = {label: (f, w) for label, f, w in differential.jobs() if not label.startswith("many_tags[torch")}


@pytest.mark.parametrize("label", sorted(JOBS))
def test_real_writer_logs_read_as_tensorboard_reads_them(label: str, tmp_path: Path) -> None:
    f, writer = JOBS[label]
    if writer == "torch":
        pytest.importorskip("torch.utils.tensorboard")
    logdir = tmp_path / "logs"
    logdir.mkdir()
    assert differential.check(logdir, f, writer) == []


WRITERS_CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "writers"


@pytest.mark.parametrize("scenario", sorted(p.name for p in WRITERS_CORPUS.iterdir() if p.is_dir()))
def test_tf_keras_lightning_transformers_logs_read_as_tensorboard_reads_them(scenario: str) -> None:
    """The logs scripts/write_real_logs.py wrote with TF 2.21, Keras 3.15, Lightning 2.6 and
    transformers 5.24 (tests/data/corpus/writers): every point of every plugin, the hparams
    sessions and the graphs, read at once and in tiny slices, equal TensorBoard's."""
    assert differential.compare(WRITERS_CORPUS / scenario) == []


# One op: ("scalar", tag, step, value) | ("reopen", purge_step or None).
_ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("scalar"),
            st.sampled_from(["loss", "acc", "a/b"]),
            st.integers(-3, 12),
            st.floats(allow_nan=True, allow_infinity=True, width=32),
        ),
        st.tuples(st.just("reopen"), st.one_of(st.none(), st.integers(0, 12))),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=_ops)
def test_any_tensorboardx_call_sequence_reads_as_tensorboard_reads_it(ops: list[tuple]) -> None:
    from tensorboardX import SummaryWriter

    base = Path(tempfile.mkdtemp(prefix="tbtui-hyp-"))
    try:
        run = base / "logs" / "run"
        n = 0
        w = SummaryWriter(str(run), filename_suffix=f".{n:03d}")
        for op in ops:
            if op[0] == "scalar":
                _, tag, step, value = op
                w.add_scalar(tag, value, step, walltime=1000.0 + step)
            else:
                w.close()
                n += 1
                w = SummaryWriter(str(run), purge_step=op[1], filename_suffix=f".{n:03d}")
        w.close()
        logdir = str(base / "logs")
        tb = differential.tensorboard_reading(logdir)
        assert differential.differences(differential.tbtui_reading(logdir), tb) == []
    finally:
        shutil.rmtree(base)


def test_a_tag_that_is_not_utf8_is_a_named_skipped_record(tmp_path: Path) -> None:
    """TensorBoard's reload raises DecodeError at such a record and reads no more of the run;
    tbtui skips the record, says which one and why, and keeps the events around it."""
    from tui.model.logdir import Logdir
    from tui.model.summary import logdir_summary

    differential.raw_bad_utf8_tag(tmp_path, None)
    summary = logdir_summary(Logdir(str(tmp_path)).load_all())
    run = summary["runs"]["run"]
    assert run["scalars"]["café"]["count"] == 2
    (problem,) = run["files"][0]["problems"]
    assert "record #2" in problem and "UTF-8" in problem


WRITERS_MORE = Path(__file__).resolve().parents[1] / "data" / "writers_more"


@pytest.mark.parametrize("scenario", sorted(p.name for p in WRITERS_MORE.iterdir() if p.is_dir()))
def test_odd_dtypes_and_a_two_output_keras_fit_read_as_tensorflow_reads_them(scenario: str) -> None:
    """scripts/write_real_logs.py's later scenarios (tests/data/writers_more, same versions as the
    corpus's writers): ``tf.summary.write`` of bool, string, float16, bfloat16, int8, uint16 and
    complex64 tensors, scalars of four dtypes, int64 steps up to 2^63-1, a two-output Keras fit. The
    comparison decodes bfloat16 as TensorFlow does; TensorBoard without TensorFlow raised on it and
    the whole comparison crashed."""
    assert differential.compare(WRITERS_MORE / scenario) == []
