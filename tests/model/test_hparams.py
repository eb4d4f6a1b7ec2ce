"""Hparams sessions from torch, tensorboardX and TF's hparams API: rows, columns, folding, sort, filter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.model.hparams import (
    EXPERIMENT_TAG,
    SESSION_END_TAG,
    SESSION_START_TAG,
    HParamsTable,
    collect,
    filter_problems,
    filter_sessions,
    format_value,
    metric_run,
    runs_regex,
    sort_sessions,
)
from tui.model.logdir import Logdir
from tui.tfevents.proto import hparams_pb2
from tui.tfevents.writer import EventFileWriter

CORPUS = Path(__file__).parent.parent / "data" / "corpus"


def table_of(logdir: str | Path) -> HParamsTable:
    return collect(Logdir(str(logdir)).load_all().runs)


def rows(t: HParamsTable) -> list[list[str]]:
    return [[format_value(s.value(c)) for c in t.columns] for s in t.sessions]


def labels(t: HParamsTable) -> list[str]:
    return [c.label for c in t.columns]


# -- corpus ---------------------------------------------------------------------------------------


def test_torch_add_hparams_sub_runs_fold_into_their_training_runs() -> None:
    t = table_of(CORPUS / "torch_mnist_like")
    assert labels(t) == [
        "run",
        "lr",
        "model",
        "batch_size",
        "momentum",
        "nesterov",
        "hparam/best_val_acc",
        "hparam/final_train_loss",
    ]
    assert rows(t) == [
        ["runs/ablation/cnn/lr_0.05", "0.05", "TinyCNN", "64", "0.9", "0", "0.185547", "2.09699"],
        ["runs/lr_0.01", "0.01", "MLP", "64", "0.9", "0", "0.777344", "0.0162873"],
        ["runs/lr_0.1", "0.1", "MLP", "64", "0.9", "0", "0.681641", "0.026789"],
    ]
    s = t.sessions[2]
    assert s.session_run == "runs/lr_0.1/hparams"
    assert s.runs == ("runs/lr_0.1", "runs/lr_0.1/hparams", "runs/lr_0.1/loss_train", "runs/lr_0.1/loss_val")
    assert s.status == "success"
    assert s.metric_steps == {"metric::hparam/best_val_acc": 0, "metric::hparam/final_train_loss": 0}


def test_tensorboardx_hparams() -> None:
    t = table_of(CORPUS / "tbx")
    assert labels(t) == ["run", "optimizer", "lr", "hidden", "hparam/val_acc", "hparam/val_loss"]
    assert rows(t) == [
        ["exp/adam_lr1e-2", "adam", "0.01", "16", "0.875", "0.321207"],
        ["exp/sgd_lr1e-1", "sgd", "0.1", "16", "0.867188", "0.32228"],
    ]
    assert t.sessions[0].session_run == "exp/adam_lr1e-2/hp"


def test_tf_hparams_api_session_in_the_training_run_with_display_names() -> None:
    t = table_of(CORPUS / "tb_native")
    assert labels(t) == ["run", "lr", "optimizer", "layers", "Loss", "Accuracy"]
    assert rows(t) == [["v2_pb", "0.003", "adam", "3", "0.00907122", "0.973489"]]
    s = t.sessions[0]
    assert (s.run, s.session_run, s.runs, s.group_name) == ("v2_pb", "v2_pb", ("v2_pb",), "trial-0")
    # The metric's value is the scalar's last point.
    assert s.metric_steps == {"metric::loss": 399, "metric::acc": 399}


def test_a_logdir_without_hparams_has_only_the_run_column() -> None:
    t = table_of(CORPUS / "tf2")
    assert labels(t) == ["run"]
    assert t.sessions == ()


# -- written here ---------------------------------------------------------------------------------


def experiment(hparams: list[str], metrics: list[tuple[str, str, str]]) -> bytes:
    exp = hparams_pb2.Experiment()
    for h in hparams:
        exp.hparam_infos.add(name=h)
    for group, tag, display in metrics:
        m = exp.metric_infos.add(display_name=display)
        m.name.group, m.name.tag = group, tag
    return hparams_pb2.HParamsPluginData(version=0, experiment=exp).SerializeToString()


def session(values: dict[str, object], group_name: str = "") -> bytes:
    info = hparams_pb2.SessionStartInfo(group_name=group_name)
    for k, v in values.items():
        if isinstance(v, bool):
            info.hparams[k].bool_value = v
        elif isinstance(v, str):
            info.hparams[k].string_value = v
        else:
            info.hparams[k].number_value = float(v)  # type: ignore[arg-type]
    return hparams_pb2.HParamsPluginData(version=0, session_start_info=info).SerializeToString()


def session_end(status: int) -> bytes:
    end = hparams_pb2.SessionEndInfo(status=status)
    return hparams_pb2.HParamsPluginData(version=0, session_end_info=end).SerializeToString()


def torch_like(root: Path, run: str, sub: str, hp: dict[str, object], metrics: dict[str, float]) -> None:
    with EventFileWriter(str(root / run), legacy=True) as w:
        w.add_scalar("loss", 1.0, 0)
    with EventFileWriter(str(root / run / sub), legacy=True) as w:
        w.add_hparams(experiment(list(hp), [("", m, "") for m in metrics]), EXPERIMENT_TAG)
        w.add_hparams(session(hp), SESSION_START_TAG)
        w.add_hparams(session_end(hparams_pb2.STATUS_SUCCESS), SESSION_END_TAG)
        for m, v in metrics.items():
            w.add_scalar(m, v, 0)


def test_experiments_merge_and_undeclared_hparams_get_columns(tmp_path: Path) -> None:
    torch_like(tmp_path, "a", "1700000000.1", {"lr": 0.1}, {"acc": 0.5})
    torch_like(tmp_path, "b", "1700000000.2", {"lr": 0.2, "dropout": 0.3}, {"acc": 0.6, "f1": 0.4})
    # A session whose hyperparameter no experiment declares.
    with EventFileWriter(str(tmp_path / "c")) as w:
        w.add_hparams(session({"lr": 0.3, "warmup": True}), SESSION_START_TAG)
        w.add_scalar("acc", 0.1, 0)
        w.add_scalar("acc", 0.7, 5)
    t = table_of(tmp_path)
    assert labels(t) == ["run", "lr", "dropout", "warmup", "acc", "f1"]
    assert rows(t) == [
        ["a", "0.1", "", "", "0.5", ""],
        ["b", "0.2", "0.3", "", "0.6", "0.4"],
        ["c", "0.3", "", "true", "0.7", ""],
    ]
    assert t.sessions[2].metric_steps["metric::acc"] == 5


def test_two_add_hparams_on_one_writer_stay_two_rows(tmp_path: Path) -> None:
    torch_like(tmp_path, "a", "1700000000.1", {"lr": 0.1}, {"acc": 0.5})
    with EventFileWriter(str(tmp_path / "a" / "1700000000.9"), legacy=True) as w:
        w.add_hparams(session({"lr": 0.2}), SESSION_START_TAG)
    t = table_of(tmp_path)
    assert [s.run for s in t.sessions] == ["a/1700000000.1", "a/1700000000.9"]


def test_no_fold_without_a_parent_run_or_when_the_sub_run_holds_more(tmp_path: Path) -> None:
    # Parent folder holds no event file: nothing to fold into.
    with EventFileWriter(str(tmp_path / "lonely" / "hp")) as w:
        w.add_hparams(session({"lr": 1}), SESSION_START_TAG)
    # Sub-run that also logs histograms is a real run of its own.
    with EventFileWriter(str(tmp_path / "p")) as w:
        w.add_scalar("x", 1.0, 0)
    with EventFileWriter(str(tmp_path / "p" / "child")) as w:
        w.add_hparams(session({"lr": 2}), SESSION_START_TAG)
        w.add_histogram("h", [1.0, 2.0], 0)
    assert [s.run for s in table_of(tmp_path).sessions] == ["lonely/hp", "p/child"]


def test_metrics_with_a_group_come_from_the_sub_run(tmp_path: Path) -> None:
    # Keras' hparams callback: session in the trial's run, metrics in <trial>/train and <trial>/validation.
    with EventFileWriter(str(tmp_path)) as w:
        w.add_hparams(
            experiment(["units"], [("validation", "epoch_accuracy", ""), ("train", "epoch_loss", "")]),
            EXPERIMENT_TAG,
        )
    for trial, units, acc in (("run-0", 16, 0.8), ("run-1", 32, 0.9)):
        with EventFileWriter(str(tmp_path / trial)) as w:
            w.add_hparams(session({"units": units}), SESSION_START_TAG)
        with EventFileWriter(str(tmp_path / trial / "validation")) as w:
            w.add_scalar("epoch_accuracy", acc, 2)
        with EventFileWriter(str(tmp_path / trial / "train")) as w:
            w.add_scalar("epoch_loss", 1 - acc, 2)
    t = table_of(tmp_path)
    assert labels(t) == ["run", "units", "validation/epoch_accuracy", "train/epoch_loss"]
    assert rows(t) == [["run-0", "16", "0.8", "0.2"], ["run-1", "32", "0.9", "0.1"]]
    assert t.sessions[0].runs == ("run-0", "run-0/train", "run-0/validation")
    assert metric_run("run-0", "validation") == "run-0/validation"
    assert metric_run(".", "validation") == "validation"


def test_without_an_experiment_the_session_scalars_are_the_metrics(tmp_path: Path) -> None:
    with EventFileWriter(str(tmp_path / "r")) as w:
        w.add_hparams(session({"opt": "adam"}), SESSION_START_TAG)
        w.add_scalar("loss", 0.25, 3)
    t = table_of(tmp_path)
    assert labels(t) == ["run", "opt", "loss"]
    assert rows(t) == [["r", "adam", "0.25"]]


def test_damaged_plugin_data_is_no_session(tmp_path: Path) -> None:
    with EventFileWriter(str(tmp_path / "r")) as w:
        w.add_hparams(b"\xff\xff\xff", SESSION_START_TAG)
    assert table_of(tmp_path).sessions == ()


# -- sort, filter, format -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torch_table() -> HParamsTable:
    return table_of(CORPUS / "torch_mnist_like")


def names(sessions) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.run for s in sessions]


def test_sort_by_number_string_and_metric(torch_table: HParamsTable) -> None:
    t = torch_table
    lr, model, acc = t.column("hparam:lr"), t.column("hparam:model"), t.column("metric::hparam/best_val_acc")
    assert lr is not None and model is not None and acc is not None
    assert names(sort_sessions(t.sessions, lr)) == [
        "runs/lr_0.01",
        "runs/ablation/cnn/lr_0.05",
        "runs/lr_0.1",
    ]
    assert names(sort_sessions(t.sessions, lr, descending=True)) == [
        "runs/lr_0.1",
        "runs/ablation/cnn/lr_0.05",
        "runs/lr_0.01",
    ]
    assert names(sort_sessions(t.sessions, model)) == [
        "runs/lr_0.01",
        "runs/lr_0.1",
        "runs/ablation/cnn/lr_0.05",
    ]
    assert names(sort_sessions(t.sessions, acc, descending=True))[0] == "runs/lr_0.01"


def test_sort_puts_missing_values_last_both_ways(tmp_path: Path) -> None:
    torch_like(tmp_path, "a", "h", {"lr": 0.1}, {"acc": 0.5})
    torch_like(tmp_path, "b", "h", {"lr": 0.2, "dropout": 0.3}, {"acc": 0.6})
    torch_like(tmp_path, "c", "h", {"lr": 0.3, "dropout": 0.1}, {"acc": 0.6})
    t = table_of(tmp_path)
    col = t.column("hparam:dropout")
    assert col is not None
    assert names(sort_sessions(t.sessions, col)) == ["c", "b", "a"]
    assert names(sort_sessions(t.sessions, col, descending=True)) == ["b", "c", "a"]


def test_filter_terms(torch_table: HParamsTable) -> None:
    t = torch_table
    cols = t.columns
    assert names(filter_sessions(t.sessions, cols, "")) == names(t.sessions)
    assert names(filter_sessions(t.sessions, cols, "cnn")) == ["runs/ablation/cnn/lr_0.05"]
    assert names(filter_sessions(t.sessions, cols, "MLP")) == ["runs/lr_0.01", "runs/lr_0.1"]
    assert names(filter_sessions(t.sessions, cols, "lr<0.06")) == [
        "runs/ablation/cnn/lr_0.05",
        "runs/lr_0.01",
    ]
    assert names(filter_sessions(t.sessions, cols, "model=mlp lr>=0.1")) == ["runs/lr_0.1"]
    assert names(filter_sessions(t.sessions, cols, "best_val_acc>0.5")) == ["runs/lr_0.01", "runs/lr_0.1"]
    assert names(filter_sessions(t.sessions, cols, "model!=MLP")) == ["runs/ablation/cnn/lr_0.05"]
    assert filter_problems(cols, "nope<1 lr<x model=MLP") == ["no column 'nope'", "'x' is not a number"]
    # Ignored terms do not hide rows.
    assert names(filter_sessions(t.sessions, cols, "nope<1")) == names(t.sessions)


def test_format_value() -> None:
    assert [format_value(v) for v in (None, True, False, 3.0, 0.1, 1e-7, 123456789.0, "x")] == [
        "",
        "true",
        "false",
        "3",
        "0.1",
        "1e-07",
        "123456789",
        "x",
    ]
    assert [format_value(v) for v in (float("nan"), float("inf"), -float("inf"))] == ["NaN", "inf", "-inf"]


def test_runs_regex_selects_exactly_those_runs_and_their_sub_runs() -> None:
    rx = re.compile(runs_regex(["runs/lr_0.1", "exp/a(1)"]))
    assert rx.search("runs/lr_0.1") and rx.search("runs/lr_0.1/loss_train") and rx.search("exp/a(1)")
    assert not rx.search("runs/lr_0.01") and not rx.search("runs/lr_0.1x") and not rx.search("x/runs/lr_0.1")
    assert runs_regex([]) == ""
