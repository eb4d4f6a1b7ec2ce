"""The Text tab: Markdown from the corpus, steps newest first, inert control sequences, Pilot keys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from textual.app import App
from textual.widgets import Static

from tests.widgets.pane_host import Host, context
from tui.app import TbtuiApp
from tui.model.logdir import Logdir
from tui.model.text import text_content
from tui.tfevents.writer import EventFileWriter
from tui.widgets.series_list import SeriesList
from tui.widgets.step_slider import StepSlider
from tui.widgets.text_pane import PAGE, TextPane, render_text_content

CORPUS = Path(__file__).parent.parent / "data" / "corpus"
WALL0 = 1_700_000_000.0

CSI_TAG = "notes\x1b[31m/red\x1b]0;pwned\x07"
CSI_TEXT = "hello \x1b[2J\x1b]52;c;ZXZpbA==\x07 [bold]not markup[/bold] **md**"


def screen_lines(app: App) -> list[str]:
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]


def screen_text(app: App) -> str:
    return "\n".join(screen_lines(app))


def plain(renderable, width: int = 50) -> list[str]:  # type: ignore[no-untyped-def]
    console = Console(width=width, color_system=None, legacy_windows=False)
    with console.capture() as cap:
        console.print(renderable)
    return [line.rstrip() for line in cap.get().splitlines()]


# -- rendering ------------------------------------------------------------------------------------


def corpus_text(logdir: str, run: str, tag: str) -> list[str]:
    ld = Logdir(str(CORPUS / logdir)).load_all()
    return plain(render_text_content(text_content(ld.runs[run].blobs[tag].items[-1])))


def test_torch_text_renders_as_markdown() -> None:
    assert corpus_text("torch_mnist_like", "runs/lr_0.1", "config/text_summary") == [
        "model: MLP",
        "lr: 0.1",
        "seed: 1",
    ]
    # A Markdown table inside the document becomes a drawn table.
    lines = corpus_text("torch_mnist_like", "runs/lr_0.1", "notes/description/text_summary")
    assert lines[0] == "Synthetic MNIST-like data. Table:"
    assert [ln.strip() for ln in lines[1:] if ln.strip()] == ["a  b", "────", "1  2"]


def test_tensorboardx_text_renders_as_markdown() -> None:
    assert corpus_text("tbx", "exp/adam_lr1e-2", "run_info/text_summary") == [
        "optimizer adam, lr=0.01, tensorboardX 2.6.5"
    ]


def test_tf2_text_renders_heading_and_list() -> None:
    lines = corpus_text("tf2", "custom_loop", "config")
    assert [ln.strip() for ln in lines if ln.strip()] == [
        "custom loop",
        "• optimizer: SGD",
        "• schedule: ExponentialDecay(0.05, 50, 0.7)",
    ]


def test_rank2_tensor_is_a_table_of_markdown_cells() -> None:
    arr = np.array([[b"**a**", b"two\nlines"], [b"`c`", b"d"]], dtype=object)
    assert plain(render_text_content(text_content(arr))) == [
        "┌───┬───────────┐",
        "│ a │ two lines │",
        "├───┼───────────┤",
        "│ c │ d         │",
        "└───┴───────────┘",
    ]


def test_control_sequences_and_rich_markup_in_text_are_inert() -> None:
    lines = plain(render_text_content(text_content(np.array([CSI_TEXT.encode()], dtype=object))), width=80)
    assert lines == ["hello \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 [bold]not markup[/bold] md"]


# -- the pane -------------------------------------------------------------------------------------


async def test_corpus_tags_and_runs_listed_and_first_rendered() -> None:
    ld = Logdir(str(CORPUS / "torch_mnist_like")).load_all()
    pane = TextPane()
    app = Host(pane)
    async with app.run_test(size=(120, 36)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        lst = pane.query_one(SeriesList)
        assert [(tag, [e.run for e in entries]) for tag, entries in lst.groups] == [
            ("config/text_summary", ["runs/ablation/cnn/lr_0.05", "runs/lr_0.01", "runs/lr_0.1"]),
            ("notes/description/text_summary", ["runs/ablation/cnn/lr_0.05", "runs/lr_0.01", "runs/lr_0.1"]),
        ]
        assert lst.selected == ("runs/ablation/cnn/lr_0.05", "config/text_summary")
        text = screen_text(app)
        assert "model: TinyCNN" in text and "lr: 0.05" in text
        # j moves to the next run of the tag.
        lst.focus()
        await pilot.press("j")
        await pilot.pause()
        assert lst.selected == ("runs/lr_0.01", "config/text_summary")
        assert "model: MLP" in screen_text(app)
        # Down past the last run skips the next tag's header.
        await pilot.press("j", "j")
        await pilot.pause()
        assert lst.selected == ("runs/ablation/cnn/lr_0.05", "notes/description/text_summary")


async def test_tag_filter_and_empty_state() -> None:
    ld = Logdir(str(CORPUS / "torch_mnist_like")).load_all()
    pane = TextPane()
    app = Host(pane)
    async with app.run_test(size=(120, 36)) as pilot:
        pane.context = context(ld, tag_regex="NOTES")
        await pilot.pause()
        assert [tag for tag, _ in pane.query_one(SeriesList).groups] == ["notes/description/text_summary"]
        pane.context = context(ld, tag_regex="zzz")
        await pilot.pause()
        assert "No text summaries in the 12 visible runs matching the tag filter zzz." in (screen_text(app))


async def test_cyrillic_tag_and_unicode_text() -> None:
    ld = Logdir(str(CORPUS / "edge_cases")).load_all()
    pane = TextPane()
    app = Host(pane)
    async with app.run_test(size=(120, 36)) as pilot:
        pane.context = context(ld, runs=("g_unicode_tags/实验 α-β (run #1)",))
        await pilot.pause()
        text = screen_text(app)
        assert "текст/заметка/text_summary" in text
        assert "Unicode text: 日本語" in text


def write_steps(root: Path, n: int, start: int = 0) -> None:
    with EventFileWriter(str(root / "run")) as w:
        for s in range(start, start + n):
            w.add_text("log", f"entry **{s}**", s, WALL0 + s)


async def test_steps_newest_first_selected_by_keys_with_pages(tmp_path: Path) -> None:
    write_steps(tmp_path, 30)
    ld = Logdir(str(tmp_path)).load_all()
    pane = TextPane()
    app = Host(pane)
    async with app.run_test(size=(100, 30)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        slider = pane.query_one(StepSlider)
        assert (slider.step, slider.index) == (29, 29)
        shown = [w for w in pane.query(".text-pane-entry") if w.display]
        assert len(shown) == PAGE
        assert shown[0].has_class("-selected")
        assert "step 29" in screen_text(app)
        assert "10 older steps: [ shows them" in "\n".join(
            w.content.plain for w in pane.query(".text-pane-older").results(Static) if w.display
        )
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert slider.step == 28
        shown = [w for w in pane.query(".text-pane-entry") if w.display]
        assert [w.has_class("-selected") for w in shown[:3]] == [False, True, False]
        # The first step is on the second page, newest first: steps 9 .. 0.
        await pilot.press("left_curly_bracket")
        await pilot.pause()
        assert slider.step == 0
        shown = [w for w in pane.query(".text-pane-entry") if w.display]
        assert len(shown) == 10
        assert shown[-1].has_class("-selected")
        newer = pane.query_one(".text-pane-newer", Static)
        assert newer.display and newer.content.plain == "… 20 newer steps: ] shows them"
        assert "entry 0" in screen_text(app)  # scrolled into view
        # The slider itself moves with the arrows when focused.
        slider.focus()
        await pilot.press("right", "right")
        await pilot.pause()
        assert slider.step == 2
        await pilot.press("end")
        await pilot.pause()
        assert slider.step == 29


async def test_new_steps_are_followed_only_from_the_newest(tmp_path: Path) -> None:
    write_steps(tmp_path, 3)
    ld = Logdir(str(tmp_path)).load_all()
    pane = TextPane()
    app = Host(pane)
    async with app.run_test(size=(100, 30)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        slider = pane.query_one(StepSlider)
        assert slider.step == 2
        write_steps(tmp_path, 2, start=3)
        ld.load_all()
        pane.context = context(ld)
        await pilot.pause()
        assert slider.step == 4  # was on the newest: follows
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert slider.step == 3
        write_steps(tmp_path, 1, start=5)
        ld.load_all()
        pane.context = context(ld)
        await pilot.pause()
        assert (slider.step, slider.steps[-1]) == (3, 5)  # moved by the user: stays


async def test_a_tag_and_text_with_csi_and_osc_sequences_show_as_inert_text(tmp_path: Path) -> None:
    with EventFileWriter(str(tmp_path / "evil\x1b[7mrun")) as w:
        w.add_text(CSI_TAG, CSI_TEXT, 0, WALL0)
    ld = Logdir(str(tmp_path)).load_all()
    pane = TextPane()
    app = Host(pane)
    async with app.run_test(size=(120, 20)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        text = screen_text(app)
        assert "\x1b" not in text and "\x07" not in text
        assert "notes\\x1b[31m/red\\x1b]0;pwned\\x07" in text  # the tag, in the list
        assert "evil\\x1b[7mrun" in text  # the run name, in the list and the title
        assert "hello \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 [bold]not markup[/bold] md" in text


# -- through the app ------------------------------------------------------------------------------


async def test_key_5_opens_the_text_tab_in_the_app(tb) -> None:  # type: ignore[no-untyped-def]
    app = TbtuiApp(str(CORPUS / "tbx"))
    async with app.run_test(size=(120, 36)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("5")
        await tb.wait_for(
            pilot, lambda: "optimizer adam, lr=0.01" in screen_text(app), what="the text tab to draw"
        )
        pane = app.query_one(TextPane)
        assert pane.query_one(SeriesList).selected == ("exp/adam_lr1e-2", "run_info/text_summary")


@pytest.mark.parametrize("width", [80, 160])
async def test_text_tab_fits_small_and_large_terminals(width: int) -> None:
    ld = Logdir(str(CORPUS / "tf2")).load_all()
    pane = TextPane()
    app = Host(pane)
    async with app.run_test(size=(width, 24)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        assert "custom loop" in screen_text(app)


# -- huge and failing texts (issue 11 #5) ---------------------------------------------------------


def huge_text(kib: int) -> str:
    lines = [f"line {k} of the log with **bold** and `code` to parse" for k in range(kib * 1024 // 50)]
    return "\n".join(lines)


async def test_a_huge_text_is_laid_out_in_pages_by_a_worker(tmp_path: Path, monkeypatch) -> None:
    """A 2 MB text once froze the UI for seconds; now the UI thread lays out a bounded amount."""
    import threading

    from tui.widgets import text_pane

    with EventFileWriter(str(tmp_path / "run")) as w:
        w.add_text("log", huge_text(2048), 0, WALL0)
        for s in range(1, 4):
            w.add_text("log", f"small **{s}**", s, WALL0 + s)
    laid_out: list[tuple[str, int]] = []
    real = text_pane.render_text_content

    def recording(content):  # type: ignore[no-untyped-def]
        laid_out.append((threading.current_thread().name, len(content.to_markdown())))
        return real(content)

    monkeypatch.setattr(text_pane, "render_text_content", recording)
    ld = Logdir(str(tmp_path)).load_all()
    pane = TextPane()
    app = Host(pane)
    async with app.run_test(size=(120, 40)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        main = threading.main_thread().name
        for _ in range(200):
            if any(t != main for t, _ in laid_out) and not pane.rendering:
                break
            await pilot.pause(0.05)
        on_ui = [n for t, n in laid_out if t == main]
        in_worker = [n for t, n in laid_out if t != main]
        assert on_ui and sum(on_ui) <= text_pane.INLINE_CHARS  # the three small steps
        assert in_worker and max(in_worker) <= text_pane.TEXT_PAGE_CHARS * 1.25  # one page of the huge one
        # Select the huge step and turn its pages.
        pane.query_one(StepSlider).focus()
        await pilot.press("home")
        await pilot.pause()
        assert pane.index == 0
        await tb_wait(pilot, lambda: "text page 1/" in screen_text(app))
        assert "line 0 of the log with bold and code to parse" in screen_text(app)
        await pilot.press("greater_than_sign")
        await tb_wait(pilot, lambda: "text page 2/" in screen_text(app))
        first = int(huge_text(2048)[text_pane.TEXT_PAGE_CHARS :].split("line ", 2)[1].split()[0])
        assert f"line {first + 1} of the log" in screen_text(app)
        await pilot.press("less_than_sign")
        await tb_wait(pilot, lambda: "text page 1/" in screen_text(app))


async def tb_wait(pilot, condition) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("timed out")


@pytest.mark.parametrize("size_kib", [1, 64])  # laid out on the UI thread, and by the worker
async def test_a_text_that_fails_to_lay_out_is_said_not_a_crash(
    tmp_path: Path, monkeypatch, size_kib
) -> None:
    from tui.widgets import text_pane

    class Boom:
        def __rich_console__(self, console, options):  # type: ignore[no-untyped-def]
            raise RuntimeError("layout bug \x1b[2J")

    monkeypatch.setattr(text_pane, "render_text_content", lambda content: Boom())
    with EventFileWriter(str(tmp_path / "run")) as w:
        w.add_text("log", huge_text(size_kib), 0, WALL0)
    ld = Logdir(str(tmp_path)).load_all()
    pane = TextPane()
    app = Host(pane)
    async with app.run_test(size=(120, 30)) as pilot:
        pane.context = context(ld)
        await tb_wait(pilot, lambda: "cannot draw this text" in screen_text(app))
        assert "layout bug \\x1b[2J" in screen_text(app) and "\x1b" not in screen_text(app)
        assert app.is_running
