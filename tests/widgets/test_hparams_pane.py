"""The HParams tab: the corpus sweeps as tables; Pilot tests for sorting, filtering, marks, show-only."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Input

from tests.widgets.pane_host import Host as PaneHost
from tests.widgets.pane_host import context
from tui.app import TbtuiApp
from tui.model.hparams import EXPERIMENT_TAG, SESSION_START_TAG
from tui.model.logdir import Logdir
from tui.tfevents.proto import hparams_pb2
from tui.tfevents.writer import EventFileWriter
from tui.widgets.hparams_pane import HParamsPane
from tui.widgets.hparams_table import SessionTable
from tui.widgets.pane import Pane

CORPUS = Path(__file__).parent.parent / "data" / "corpus"

TORCH_RUNS = ["runs/ablation/cnn/lr_0.05", "runs/lr_0.01", "runs/lr_0.1"]


class Host(PaneHost):
    """The shared pane host, recording what the HParams pane asks of the app too."""

    AUTO_FOCUS = None  # as in the real app, where the runs pane has the focus at first

    def __init__(self, pane: Pane) -> None:
        super().__init__(pane)
        self.focus_runs: list[str] = []
        self.show_only: list[HParamsPane.ShowOnly] = []

    def on_pane_focus_run(self, m: Pane.FocusRun) -> None:
        self.focus_runs.append(m.run)

    def on_hparams_pane_show_only(self, m: HParamsPane.ShowOnly) -> None:
        self.show_only.append(m)


def screen_text(app: App) -> str:
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def grid(pane: HParamsPane) -> list[list[str]]:
    t = pane.table
    return [[pane.cell_text(r, c) for c in range(len(t.columns))] for r in range(t.row_count)]


def headers(pane: HParamsPane) -> list[str]:
    return [c.label.plain for c in pane.table.ordered_columns]


def run_names(pane: HParamsPane) -> list[str]:
    return [s.run for s in pane.rows]


async def mounted(pilot, pane: HParamsPane, logdir: Path) -> Logdir:  # type: ignore[no-untyped-def]
    ld = Logdir(str(logdir)).load_all()
    pane.context = context(ld)
    await pilot.pause()
    return ld


async def test_torch_sweep_rows_and_columns() -> None:
    pane = HParamsPane()
    app = Host(pane)
    async with app.run_test(size=(160, 30)) as pilot:
        await mounted(pilot, pane, CORPUS / "torch_mnist_like")
        assert headers(pane) == [
            "run",
            "lr",
            "model",
            "batch_size",
            "momentum",
            "nesterov",
            "hparam/best_val_acc",
            "hparam/final_train_loss",
        ]
        assert grid(pane) == [
            ["  ■ ablation/cnn/lr_0.05", "0.05", "TinyCNN", "64", "0.9", "0", "0.185547", "2.09699"],
            ["  ■ lr_0.01", "0.01", "MLP", "64", "0.9", "0", "0.777344", "0.0162873"],
            ["  ■ lr_0.1", "0.1", "MLP", "64", "0.9", "0", "0.681641", "0.026789"],
        ]
        assert "3 runs" in screen_text(app)
        # Building the table does not move the runs pane's cursor.
        assert app.focus_runs == []


async def test_tensorboardx_and_tf_api_sweeps() -> None:
    pane = HParamsPane()
    app = Host(pane)
    async with app.run_test(size=(160, 30)) as pilot:
        await mounted(pilot, pane, CORPUS / "tbx")
        assert headers(pane) == ["run", "optimizer", "lr", "hidden", "hparam/val_acc", "hparam/val_loss"]
        assert grid(pane) == [
            ["  ■ adam_lr1e-2", "adam", "0.01", "16", "0.875", "0.321207"],
            ["  ■ sgd_lr1e-1", "sgd", "0.1", "16", "0.867188", "0.32228"],
        ]
        await mounted(pilot, pane, CORPUS / "tb_native")
        assert headers(pane) == ["run", "lr", "optimizer", "layers", "Loss", "Accuracy"]
        assert grid(pane) == [["  ■ v2_pb", "0.003", "adam", "3", "0.00907122", "0.973489"]]


async def test_no_sessions_explains_where_rows_come_from() -> None:
    pane = HParamsPane()
    app = Host(pane)
    async with app.run_test(size=(120, 30)) as pilot:
        await mounted(pilot, pane, CORPUS / "tf2")
        assert "No hyperparameter sessions in this logdir." in screen_text(app)


async def test_enter_sorts_by_the_cursor_column_and_again_reverses() -> None:
    pane = HParamsPane()
    app = Host(pane)
    async with app.run_test(size=(160, 30)) as pilot:
        await mounted(pilot, pane, CORPUS / "torch_mnist_like")
        pane.table.focus()
        await pilot.press("l", "enter")  # column "lr"
        await pilot.pause()
        assert run_names(pane) == ["runs/lr_0.01", "runs/ablation/cnn/lr_0.05", "runs/lr_0.1"]
        assert headers(pane)[1] == "lr ▲"
        assert "sorted by lr ▲" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert run_names(pane) == ["runs/lr_0.1", "runs/ablation/cnn/lr_0.05", "runs/lr_0.01"]
        assert headers(pane)[1] == "lr ▼"
        # A metric column; the cursor stays on its column after the table is rebuilt.
        await pilot.press("right", "right", "right", "right", "right", "enter")
        await pilot.pause()
        assert pane.table.cursor_coordinate.column == 6
        assert headers(pane)[6] == "hparam/best_val_acc ▲"
        assert run_names(pane) == ["runs/ablation/cnn/lr_0.05", "runs/lr_0.1", "runs/lr_0.01"]


async def test_clicking_a_header_sorts() -> None:
    pane = HParamsPane()
    app = Host(pane)
    async with app.run_test(size=(160, 30)) as pilot:
        await mounted(pilot, pane, CORPUS / "torch_mnist_like")
        table = pane.table
        # The "model" header: after the run column and the lr column.
        x = table.region.x + 1 + sum(c.get_render_width(table) for c in table.ordered_columns[:2]) + 1
        await pilot.click(offset=(x, table.region.y + 1))
        await pilot.pause()
        assert headers(pane)[2] == "model ▲"
        assert run_names(pane) == ["runs/lr_0.01", "runs/lr_0.1", "runs/ablation/cnn/lr_0.05"]


async def test_filter_by_text_and_comparisons() -> None:
    pane = HParamsPane()
    app = Host(pane)
    async with app.run_test(size=(160, 30)) as pilot:
        await mounted(pilot, pane, CORPUS / "torch_mnist_like")
        pane.table.focus()
        await pilot.press("f")
        assert isinstance(app.focused, Input)
        await pilot.press(*"mlp")
        await pilot.pause()
        assert run_names(pane) == ["runs/lr_0.01", "runs/lr_0.1"]
        assert "2 of 3 runs" in screen_text(app)
        await pilot.press(*" lr<0.05")
        await pilot.pause()
        assert run_names(pane) == ["runs/lr_0.01"]
        await pilot.press(*" zz<1")
        await pilot.pause()
        assert "filter: no column 'zz'" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.focused, SessionTable)
        pane.query_one(Input).value = ""
        await pilot.pause()
        assert run_names(pane) == TORCH_RUNS


async def test_marks_and_show_only_the_marked_runs() -> None:
    pane = HParamsPane()
    app = Host(pane)
    async with app.run_test(size=(160, 30)) as pilot:
        ld = await mounted(pilot, pane, CORPUS / "torch_mnist_like")
        pane.table.focus()
        await pilot.press("j")  # row 2: runs/lr_0.01
        await pilot.pause()
        assert app.focus_runs == ["runs/lr_0.01"]
        await pilot.press("space", "j", "space")
        await pilot.pause()
        assert pane.marked == {"runs/lr_0.01/hparams", "runs/lr_0.1/hparams"}
        assert pane.cell_text(1, 0).startswith("✓ ■ lr_0.01")
        await pilot.press("v")
        await pilot.pause()
        (msg,) = app.show_only
        assert msg.runs == (
            "runs/lr_0.01",
            "runs/lr_0.01/hparams",
            "runs/lr_0.01/loss_train",
            "runs/lr_0.01/loss_val",
            "runs/lr_0.1",
            "runs/lr_0.1/hparams",
            "runs/lr_0.1/loss_train",
            "runs/lr_0.1/loss_val",
        )
        assert msg.regex == r"^(?:runs/lr_0\.01|runs/lr_0\.1)(?:/|$)"
        # The app hides the other runs: their rows stay, dimmed.
        pane.context = context(ld, runs=msg.runs)
        await pilot.pause()
        assert run_names(pane) == TORCH_RUNS
        first = pane.table.get_cell_at((0, 0))  # type: ignore[arg-type]
        assert first.style.dim
        # u clears the marks; then v shows the cursor row's runs only.
        await pilot.press("u", "v")
        await pilot.pause()
        assert app.show_only[-1].runs[0] == "runs/lr_0.1"
        assert len(app.show_only[-1].runs) == 4


async def test_hparam_names_and_values_with_control_sequences_are_inert(tmp_path: Path) -> None:
    exp = hparams_pb2.Experiment()
    exp.hparam_infos.add(name="opt\x1b[31m")
    exp.metric_infos.add().name.tag = "acc\x1b]0;title\x07"
    info = hparams_pb2.SessionStartInfo()
    info.hparams["opt\x1b[31m"].string_value = "adam\x1b]52;c;ZXZpbA==\x07[bold]x[/bold]"
    with EventFileWriter(str(tmp_path / "run\x1b[7m")) as w:
        w.add_hparams(hparams_pb2.HParamsPluginData(experiment=exp).SerializeToString(), EXPERIMENT_TAG)
        w.add_hparams(
            hparams_pb2.HParamsPluginData(session_start_info=info).SerializeToString(), SESSION_START_TAG
        )
        w.add_scalar("acc\x1b]0;title\x07", 0.5, 1)
    pane = HParamsPane()
    app = Host(pane)
    async with app.run_test(size=(160, 20)) as pilot:
        await mounted(pilot, pane, tmp_path)
        text = screen_text(app)
        assert "\x1b" not in text and "\x07" not in text
        assert "opt\\x1b[31m" in text
        assert "acc\\x1b]0;title\\x07" in text
        assert "adam\\x1b]52;c;ZXZpbA==\\x07[bold]x[/bold]" in text
        assert "run\\x1b[7m" in text


async def test_key_6_opens_the_hparams_tab_in_the_app(tb) -> None:  # type: ignore[no-untyped-def]
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(160, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("6")
        pane = app.query_one(HParamsPane)
        await tb.wait_for(pilot, lambda: len(pane.rows) == 3, what="the hparams table")
        assert run_names(pane) == TORCH_RUNS
        text = screen_text(app)
        for run in TORCH_RUNS:  # without the "runs/" every run shares, as in the runs pane
            assert run.removeprefix("runs/") in text


async def test_v_in_the_app_shows_only_the_chosen_runs_everywhere(tb) -> None:  # type: ignore[no-untyped-def]
    from tui.widgets.hparams_table import SessionTable
    from tui.widgets.run_list import RunList

    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(160, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("6")
        pane = app.query_one(HParamsPane)
        await tb.wait_for(pilot, lambda: len(pane.rows) == 3, what="the hparams table")
        app.query_one(SessionTable).focus()
        await pilot.press("v")  # no marks: the run under the cursor
        await tb.wait_for(pilot, lambda: bool(app.view.hidden), what="runs hidden")
        shown = [r.name for r in app.query_one(RunList).rows if r.shown]
        assert shown and all(name.startswith(shown[0]) for name in shown)
        assert "showing only" in app.view.notice
        await pilot.press("a")
        await tb.wait_for(pilot, lambda: not app.view.hidden, what="all runs back")
        assert app.view.notice == ""


async def test_long_names_and_values_are_cut_at_words_and_the_cursors_cell_is_spelled_out(
    tmp_path: Path,
) -> None:
    """A sweep's long run names and a prose value: the run column shows the part that differs (and
    no more than RUN_CELLS), a text value is cut after a whole word, and the line under the table
    gives the cursor's cell in full (the table's edge cut ``adamw with a really long name fo``)."""
    long_value = "adamw with a really long name for testing the wrapping of words"
    sweep = "sweep_2026-11-30/"
    runs = [f"{sweep}model=resnet18_lr=0.001_bs=32_seed={i}_{'x' * 30}" for i in range(2)]
    for i, run in enumerate(runs):
        exp = hparams_pb2.Experiment()
        exp.hparam_infos.add(name="optimizer")
        info = hparams_pb2.SessionStartInfo()
        info.hparams["optimizer"].string_value = long_value if i else "sgd"
        with EventFileWriter(str(tmp_path / run)) as w:
            w.add_hparams(hparams_pb2.HParamsPluginData(experiment=exp).SerializeToString(), EXPERIMENT_TAG)
            w.add_hparams(
                hparams_pb2.HParamsPluginData(session_start_info=info).SerializeToString(), SESSION_START_TAG
            )
    pane = HParamsPane()
    app = Host(pane)
    async with app.run_test(size=(160, 30)) as pilot:
        await mounted(pilot, pane, tmp_path)
        rows = grid(pane)
        run_cells = [r[0] for r in rows]
        assert all(not c.strip(" ■").startswith(sweep) for c in run_cells), run_cells
        assert all(len(c.strip(" ■")) <= 36 for c in run_cells), run_cells
        opt = headers(pane).index("optimizer")
        assert rows[1][opt] == "adamw with a really…", rows
        pane.table.focus()
        pane.table.move_cursor(row=1, column=opt)
        await pilot.pause()
        assert f"optimizer = {long_value}" in screen_text(app)
        pane.table.move_cursor(row=0, column=0)
        await pilot.pause()
        assert f"run = {runs[0]}" in screen_text(app)


async def test_hparams_keys_fit_the_key_bar_at_120_columns(tb) -> None:  # type: ignore[no-untyped-def]
    """c's description ("Plot: parallel coordinates / hparam vs metric / none") was too long for the
    bar at 120 columns, which dropped it; the line under the table repeated the bar's keys instead."""
    from tui.widgets.key_bar import KeyBar

    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("6")
        pane = app.query_one(HParamsPane)
        await tb.wait_for(pilot, lambda: len(pane.rows) == 3 and pane.table.has_focus, what="the table")
        bar = app.query_one(KeyBar).render().plain
        assert "c Plots" in bar and "f Filter rows" in bar, bar
        assert "c plots" not in screen_text(app)


async def test_a_value_longer_than_the_line_is_spelled_out_whole_under_the_table(tmp_path: Path) -> None:
    """The line under the table held one line: an augmentation recipe (no spaces, 170 characters) showed
    as ``augment =`` and nothing more, and a long description was cut at the screen's edge. It grows to
    the lines the value needs, folded where no space is, and back to one line off that cell."""
    recipe = "randaugment(n=2,m=9)+mixup(alpha=0.8)+cutmix(alpha=1.0,switch_prob=0.5)+random_erasing(p=0.25)"
    recipe += "+label_smoothing(0.1)+repeated_aug(3)+color_jitter(0.4)+auto_augment(rand-m9-mstd0.5-inc1)"
    for i, run in enumerate(("a", "b")):
        exp = hparams_pb2.Experiment()
        exp.hparam_infos.add(name="augment")
        info = hparams_pb2.SessionStartInfo()
        info.hparams["augment"].string_value = recipe if i else "none"
        with EventFileWriter(str(tmp_path / run)) as w:
            w.add_hparams(hparams_pb2.HParamsPluginData(experiment=exp).SerializeToString(), EXPERIMENT_TAG)
            w.add_hparams(
                hparams_pb2.HParamsPluginData(session_start_info=info).SerializeToString(), SESSION_START_TAG
            )
    pane = HParamsPane()
    app = Host(pane)
    async with app.run_test(size=(80, 24)) as pilot:
        await mounted(pilot, pane, tmp_path)
        column = headers(pane).index("augment")
        pane.table.focus()
        pane.table.move_cursor(row=1, column=column)
        await pilot.pause()
        status = pane.query_one(".hparams-pane-status")
        assert f"augment={recipe}" in "".join(screen_text(app).split()), screen_text(app)
        assert status.size.height > 1
        assert pane.table.size.height > 3  # the table keeps its rows
        pane.table.move_cursor(row=0, column=column)
        await pilot.pause()
        assert status.size.height == 1


async def test_the_plot_beside_the_table_fits_the_screen(tb) -> None:  # type: ignore[no-untyped-def]
    """At 80 and 100 columns the table took 65% and the plot kept 30 cells: the plot's right edge, its
    border and its last axes were off the screen."""
    for size in ((80, 24), (100, 30), (120, 40)):
        app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
        async with app.run_test(size=size) as pilot:
            await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")  # noqa: B023
            await pilot.press("6")
            pane = app.query_one(HParamsPane)
            await tb.wait_for(pilot, lambda: len(pane.rows) == 3, what="the table")  # noqa: B023
            await pilot.pause()
            plot = pane.query_one(".hparams-pane-plot")
            assert plot.region.width >= 24, (size, plot.region)
            assert plot.region.right <= pane.region.right, (size, plot.region, pane.region)
            # The run column takes a fifth of the pane (36 cells left one hparam in sight at 80).
            names = [pane.cell_text(r, 0).strip(" ■") for r in range(len(pane.rows))]
            assert max(map(len, names)) <= max(12, min(36, pane.size.width // 5)), (size, names)
