"""Real writers' multi-file runs, grown in any order and cut anywhere, read as a live TensorBoard does.

A run with several event files (two writers at once, a resumed fit, a restarted job) is where a
live reader can go wrong: TensorBoard's DirectoryWatcher reads one file at a time and never goes
back, so what it holds depends on what was on disk at each reload. Hypothesis grows copies of the
multi-file runs of tests/data/corpus/writers (TF2 writers, Keras, Lightning, tf.compat.v1)
through random sequences of states, each file's bytes cut anywhere (mid-record included), files
appearing in any order; after each state a TensorBoard multiplexer reloads and a tbtui Logdir
refreshes, and every point, payload and hparams session they hold must be equal
(scripts/differential.py's ``replay``; its ``--live`` mode records the states of a real
training script instead).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("tensorboard.backend.event_processing.plugin_event_multiplexer")

from tests.model.differential_module import differential

WRITERS_CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "writers"
MULTI_FILE = [
    "tf_multi_writers",
    "keras_fit_batch",
    "lightning_resume",
    "tf1_session_log",
    "tf1_monitored_session",
]


def _files(src: Path) -> dict[str, int]:
    return {str(p.relative_to(src)): p.stat().st_size for p in sorted(src.rglob("*tfevents*"))}


@st.composite
def _growth(draw: st.DrawFn) -> tuple[Path, list[dict[str, int]]]:
    """A scenario and the states its files pass through: each a size per file that has appeared,
    never shrinking, the last one the files as they are."""
    src = WRITERS_CORPUS / draw(st.sampled_from(MULTI_FILE))
    final = _files(src)
    names = list(final)
    looks: list[dict[str, int]] = []
    now: dict[str, int] = {}
    for _ in range(draw(st.integers(1, 5))):
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)):
            now[name] = draw(st.integers(now.get(name, 0), final[name]))
        looks.append(dict(now))
    looks.append(final)
    return src, looks


@settings(max_examples=25)
@given(growth=_growth())
def test_any_growth_of_a_real_multi_file_run_reads_as_live_tensorboard_reads_it(
    growth: tuple[Path, list[dict[str, int]]],
) -> None:
    src, looks = growth
    assert differential.replay(src, looks) == []


def test_two_tf2_writers_growing_in_turn_read_as_live_tensorboard_reads_them() -> None:
    """The states a live reader met while two create_file_writer writers on one folder logged
    in turn (recorded with differential.py --live): a step of each, then the third file."""
    src = WRITERS_CORPUS / "tf_multi_writers"
    final = _files(src)
    a, b, c = sorted(final)
    record = 60  # about one scalar event
    looks = [{a: 0, b: 0}]
    for s in range(1, 7):
        looks.append({a: min(final[a], 40 + s * record), b: min(final[b], 40 + s * 2 * record)})
    looks.append({**final, c: 0})
    looks.append(final)
    assert differential.replay(src, looks) == []
