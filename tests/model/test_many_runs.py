"""Thousands of runs: read in the order the screen needs them, and what the screen derives from them
is derived once per change, not once per key."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tui.model.logdir import Logdir
from tui.tfevents.writer import EventFileWriter
from tui.views.state import RunRow, ViewState


def write_runs(root: Path, names: list[str], steps: int = 3) -> None:
    for name in names:
        with EventFileWriter(str(root / name), legacy=True, filename="events.out.tfevents.1.x") as w:
            for s in range(steps):
                w.add_scalar("loss", 1.0 / (s + 1), s, wall_time=1.7e9 + s)


def read_runs(ld: Logdir) -> list[str]:
    return [n for n, r in ld.runs.items() if r.scalars]


def test_runs_wanted_first_are_read_first(tmp_path: Path) -> None:
    write_runs(tmp_path, [f"run_{i:02d}" for i in range(12)])
    ld = Logdir(str(tmp_path))
    ld.discover()
    ld.read_first(["run_09", "run_03", "nope"])
    ld.refresh(1)  # one run's first slice
    assert read_runs(ld) == ["run_09"]
    ld.refresh(1)
    assert read_runs(ld) == ["run_03", "run_09"]
    ld.refresh(1)  # then the others in name order
    assert read_runs(ld) == ["run_00", "run_03", "run_09"]
    ld.load_all()
    assert len(read_runs(ld)) == 12


def test_a_time_budget_ends_a_refresh_early(tmp_path: Path) -> None:
    write_runs(tmp_path, [f"run_{i:02d}" for i in range(20)])
    ld = Logdir(str(tmp_path))
    ld.discover()
    ch = ld.refresh(None, max_seconds=0.0)  # past the deadline at once: at most the first run
    assert len(ch.changed_runs) <= 1
    ld.load_all()
    assert len(read_runs(ld)) == 20


def test_view_state_derives_once_per_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows, visible runs, labels and the point count are kept until the logdir, the runs filter or
    the hidden runs change (a key that moves the cursor costs nothing per run)."""
    write_runs(tmp_path, [f"sweep/lr_{i}" for i in range(30)])
    ld = Logdir(str(tmp_path)).load_all()
    view = ViewState(lambda i: f"color{i}")
    calls = {"rows": 0}
    real = view._rows

    def counting(logdir, names, now):  # type: ignore[no-untyped-def]
        calls["rows"] += 1
        return real(logdir, names, now)

    monkeypatch.setattr(view, "_rows", counting)
    T = 1.7e9  # one moment: rows also follow the clock (a run's status moves with it)
    rows = view.rows(ld, T)
    assert view.rows(ld, T) is rows and calls["rows"] == 1
    ctx1, ctx2 = view.context(ld), view.context(ld)
    assert ctx1.runs is ctx2.runs and ctx1.labels == ctx2.labels
    assert ctx1.labels["sweep/lr_3"] == "lr_3"
    assert view.status(ld, "x", "live").points == 30 * 3
    # Hiding a run changes its row only (no walk over every run), as a walk would have made it.
    view.toggle_run("sweep/lr_3")
    view.toggle_run("sweep/lr_7")
    assert [r.shown for r in view.rows(ld, T) if r.name in ("sweep/lr_3", "sweep/lr_7")] == [False, False]
    view.toggle_run("sweep/lr_7")
    toggled = view.rows(ld, T)
    assert [r.name for r in toggled if not r.shown] == ["sweep/lr_3"]
    assert toggled == real(ld, tuple(view.matching_runs(ld)), T) and view.rows(ld, T) == toggled
    assert "sweep/lr_3" not in view.visible_runs(ld)
    # Filtering, or new data: derived again.
    view.run_regex = "lr_1"
    assert {r.name for r in view.rows(ld, T)} == {"sweep/lr_1", *(f"sweep/lr_{i}" for i in range(10, 20))}
    write_runs(tmp_path, ["sweep/lr_99"], steps=5)
    ld.load_all()
    view.run_regex = ""
    assert "sweep/lr_99" in [r.name for r in view.rows(ld, T)]
    assert view.status(ld, "x", "live").points == 30 * 3 + 5
    assert calls["rows"] == 3


@pytest.mark.parametrize("legacy", [True, False])
def test_small_batches_skip_the_histogram_column_walkers_with_the_same_result(tmp_path, monkeypatch, legacy):
    """A batch leaving fewer than HISTOGRAM_COLUMNS_FROM records after the scalar columns goes to
    protobuf (the walkers' fixed cost was most of a tiny run's read, in a sweep of thousands of
    runs): the runs read are the same as through the histogram column decoders."""
    from tui.model import ingest
    from tui.model.summary import logdir_summary

    rng = np.random.default_rng(0)
    for r in range(3):
        with EventFileWriter(str(tmp_path / f"run{r}"), legacy=legacy) as w:
            for step in range(4 + 20 * r):  # 5 records up to 61: under and over the threshold
                w.add_scalar("loss", float(step), step, 1.7e9 + step)
                w.add_histogram("w", rng.normal(size=50), step, 1.7e9 + step)

    def read() -> tuple[dict, dict]:
        ld = Logdir(str(tmp_path)).load_all()
        hist = {n: run.histograms["w"].snapshot() for n, run in ld.runs.items()}
        return logdir_summary(ld), {n: (h.steps.tolist(), h.rows.tolist()) for n, h in hist.items()}

    monkeypatch.setattr(ingest, "HISTOGRAM_COLUMNS_FROM", 32)
    skipped = read()
    monkeypatch.setattr(ingest, "HISTOGRAM_COLUMNS_FROM", 0)
    assert skipped == read()


def test_rows_follow_the_runs_the_filter_lists_not_its_text(tmp_path: Path, monkeypatch) -> None:
    """Typing into the runs filter and erasing it: a character that lists the same runs keeps the
    list, and a run's row is kept while the filter leaves it out, so erasing makes anew only the
    rows whose shortest names differ among the runs listed again; every list is the one a fresh
    view makes for that filter."""
    write_runs(tmp_path, [f"sweep_{g}/lr_{i:03d}" for g in range(2) for i in range(30)])
    ld = Logdir(str(tmp_path)).load_all()
    T = 1.7e9
    typed = ["l", "lr", "lr_", "lr_0", "lr_00", "lr_001", "lr_00", "lr_0", "lr", ""]
    expected = []
    for text in typed:
        fresh = ViewState(lambda i: f"color{i}")
        fresh.rows(ld, T)  # colours and markers given in the logdir's order, as the app does
        fresh.run_regex = text
        expected.append(fresh.rows(ld, T))
    view = ViewState(lambda i: f"color{i}")
    all_rows = view.rows(ld, T)
    made: list[list[str]] = []
    real = RunRow.__init__

    def counting(self, name, *a, **k):  # type: ignore[no-untyped-def]
        made[-1].append(name)
        real(self, name, *a, **k)

    monkeypatch.setattr(RunRow, "__init__", counting)
    lists = []
    for text in typed:
        made.append([])
        view.run_regex = text
        lists.append(view.rows(ld, T))
    assert lists == expected
    # "l" to "lr_0" list every run: the very list made before typing, no row made.
    assert all(rows is all_rows for rows in lists[:4]) and made[:4] == [[]] * 4
    # Erasing "1" lists lr_00x again: only the two runs "lr_001" named apart are made again
    # (their shorter forms differ among 2 runs and among 20), then "lr_00" to "lr_0" remakes the
    # 20 rows "lr_00" made, and "lr" to "" make none.
    assert sorted(made[6]) == ["sweep_0/lr_001", "sweep_1/lr_001"]
    assert len(made[7]) == 20 and made[8:] == [[], []]
    assert lists[-1] == all_rows
