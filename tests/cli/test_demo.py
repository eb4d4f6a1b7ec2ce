"""``tbtui --demo``'s sample logdir: what it writes, and that it keeps growing."""

from __future__ import annotations

import threading

from tui.cli.demo import LATE_RUN, NEW_RUN_AFTER, RUNS, DemoWriter
from tui.model.logdir import Logdir


def test_history_has_every_kind_of_data(tmp_path):
    demo = DemoWriter(str(tmp_path))
    demo.write_history(25)
    try:
        ld = Logdir(str(tmp_path)).load_all()
        assert sorted(ld.runs) == sorted(RUNS)
        run = ld.runs["mlp/lr_0.1"]
        assert sorted(run.scalars) == [
            "train/accuracy",
            "train/learning_rate",
            "train/loss",
            "val/accuracy",
            "val/loss",
        ]
        assert len(run.scalars["train/loss"]) == 25 and run.last_step == 24
        assert sorted(run.histograms) == ["weights/dense_1", "weights/dense_2"]
        assert len(run.histograms["weights/dense_1"]) == 3  # steps 0, 10, 20
        assert run.blobs["notes"].plugin == "text"
        assert run.graphs and not run.problems
    finally:
        demo.stop(remove=False)


def test_the_writer_thread_appends_steps_and_adds_a_run(tmp_path):
    demo = DemoWriter(str(tmp_path), step_seconds=0.001)
    demo.write_history(5)
    ld = Logdir(str(tmp_path))
    demo.start()
    try:
        done = threading.Event()
        for _ in range(500):  # bounded wait for the condition, never a fixed sleep
            ld.refresh()
            if LATE_RUN[0] in ld.runs and ld.runs["cnn/adam"].last_step >= 5 + NEW_RUN_AFTER:
                done.set()
                break
            done.wait(0.01)
        assert done.is_set()
    finally:
        demo.stop()
    assert not tmp_path.exists()


def test_demo_fills_every_tab(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Hparams and images too, so a new user sees every tab work before pointing it at real logs."""
    from tui.cli.demo import DemoWriter
    from tui.model.hparams import collect
    from tui.model.images import decode
    from tui.model.logdir import Logdir

    demo = DemoWriter(str(tmp_path))
    demo.write_history(60)
    for run in demo.runs:
        run.writer.close()
    logdir = Logdir(str(tmp_path)).load_all()
    table = collect(logdir.runs)
    assert len(table.sessions) == 3
    run = logdir.runs["mlp/lr_0.1"]
    images = run.blobs["samples/filters"]
    assert images.plugin == "images" and images.steps_list == [0, 50]
    assert decode(images.items[-1][0].encoded).size == (48, 48)
    assert set(run.blobs) >= {"notes", "_hparams_/experiment", "_hparams_/session_start_info"}
    assert run.graphs["__run_graph__"].nodes > 0 and run.histograms
