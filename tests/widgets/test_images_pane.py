"""The Images tab: corpus images drawn with half blocks at the right size, the step slider, no extra."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Static

from tests.widgets.pane_host import Host, context
from tui.app import TbtuiApp
from tui.model.images import decode, pillow_available
from tui.model.logdir import Logdir
from tui.tfevents.writer import EventFileWriter
from tui.widgets import image_view
from tui.widgets.image_view import ImageView
from tui.widgets.images_pane import ImagesPane
from tui.widgets.series_list import SeriesList
from tui.widgets.step_slider import StepSlider

CORPUS = Path(__file__).parent.parent / "data" / "corpus"

# textual-image 0.12 still calls Image.getdata, deprecated in Pillow 13 (removed in 14).
pytestmark = pytest.mark.filterwarnings("ignore:Image.Image.getdata is deprecated:DeprecationWarning")

needs_extra = pytest.mark.skipif(
    not image_view.graphics_available(), reason="the images extra is not installed"
)


def screen_lines(app: App) -> list[str]:
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]


def shown_views(pane: ImagesPane) -> list[ImageView]:
    return [v for v in pane.query(ImageView).results(ImageView) if v.display]


def caption(pane: ImagesPane) -> str:
    return pane.query_one(".images-pane-caption", Static).content.plain  # type: ignore[union-attr]


@needs_extra
@pytest.mark.parametrize(
    ("logdir", "run", "tag", "size", "caption_text"),
    [
        ("torch_mnist_like", "runs/lr_0.1", "samples/train_grid", (112, 112), "112×112 · "),
        ("tbx", "exp/adam_lr1e-2", "decision_surface", (64, 64), "64×64 · "),
        ("tb_native", "v1_pb", "gradient/image_summary", (32, 32), "32×32 · "),
    ],
)
async def test_corpus_image_decoded_and_drawn_to_fit(
    logdir: str, run: str, tag: str, size: tuple[int, int], caption_text: str
) -> None:
    ld = Logdir(str(CORPUS / logdir)).load_all()
    pane = ImagesPane()
    app = Host(pane)
    async with app.run_test(size=(120, 36)) as pilot:
        pane.context = context(ld, runs=(run,))
        await pilot.pause()
        await pilot.pause()
        assert pane.query_one(SeriesList).selected == (run, tag)
        (view,) = shown_views(pane)
        assert view.image is not None and view.image.size == size
        # Square images in a box of w x h cells (cells are 1:2): the largest square that fits.
        box = view.content_size
        cols, rows = view.cells
        assert rows == min(box.height, box.width // 2) and cols == 2 * rows
        assert caption(pane).startswith(caption_text)
        # Drawn with half blocks: one row of ▀ per image row pair.
        lines = [ln for ln in screen_lines(app) if "▀" * cols in ln]
        assert len(lines) == rows


@needs_extra
async def test_tf2_samples_side_by_side_and_the_step_slider() -> None:
    ld = Logdir(str(CORPUS / "tf2")).load_all()
    pane = ImagesPane()
    app = Host(pane)
    async with app.run_test(size=(120, 36)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        series = ld.runs["custom_loop"].blobs["inputs"]
        slider = pane.query_one(StepSlider)
        assert slider.steps == (0, 0, 50, 100)
        assert slider.step == 100  # the newest step first
        views = shown_views(pane)
        assert len(views) == 3
        assert caption(pane).startswith("3 samples (8×8)")

        def drawn() -> list[bytes]:
            return [v.image.tobytes() for v in shown_views(pane) if v.image is not None]

        def expected(i: int) -> list[bytes]:
            return [decode(im.encoded).image.tobytes() for im in series.items[i]]  # type: ignore[union-attr]

        assert drawn() == expected(3)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert slider.step == 50 and drawn() == expected(2)
        await pilot.press("left_curly_bracket")
        await pilot.pause()
        assert (slider.index, slider.step) == (0, 0) and drawn() == expected(0)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert (slider.index, slider.step) == (1, 0) and drawn() == expected(1)
        # The slider itself: focused, arrows move it.
        slider.focus()
        await pilot.press("right")
        await pilot.pause()
        assert slider.step == 50
        await pilot.press("end")
        await pilot.pause()
        assert slider.step == 100 and drawn() == expected(3)


@needs_extra
async def test_an_undecodable_image_says_why(tmp_path: Path) -> None:
    with EventFileWriter(str(tmp_path / "r")) as w:
        w.add_image("broken", b"\x89PNG\r\n\x1a\ngarbage", 4, 4, 0)
    ld = Logdir(str(tmp_path)).load_all()
    pane = ImagesPane()
    app = Host(pane)
    async with app.run_test(size=(100, 30)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        assert any("cannot decode image" in ln for ln in screen_lines(app))


async def test_without_the_extra_the_tab_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_view, "graphics_available", lambda: False)
    ld = Logdir(str(CORPUS / "torch_mnist_like")).load_all()
    pane = ImagesPane()
    app = Host(pane)
    async with app.run_test(size=(120, 30)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "pip install 'tbtui[images]'" in text
        assert "samples/train_grid" in text  # the series are still listed
        assert caption(pane).startswith("112×112")
        assert shown_views(pane) == [] or not pane.query_one(".images-pane-row").display


async def test_no_images_in_the_visible_runs() -> None:
    ld = Logdir(str(CORPUS / "tb_native")).load_all()
    pane = ImagesPane()
    app = Host(pane)
    async with app.run_test(size=(120, 30)) as pilot:
        pane.context = context(ld, runs=("v2_pb",))
        await pilot.pause()
        assert any("No image summaries in the 1 visible runs." in ln for ln in screen_lines(app))


@needs_extra
async def test_a_tag_with_control_sequences_is_inert(tmp_path: Path) -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buf, "PNG")
    with EventFileWriter(str(tmp_path / "r")) as w:
        w.add_image("img\x1b]8;;http://x\x07link\x1b]8;;\x07", buf.getvalue(), 4, 4, 0)
    ld = Logdir(str(tmp_path)).load_all()
    pane = ImagesPane()
    app = Host(pane)
    async with app.run_test(size=(100, 30)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "\x1b" not in text and "\x07" not in text
        assert "img\\x1b]8;;http://x\\x07link" in text


@needs_extra
async def test_key_7_opens_the_images_tab_in_the_app(tb) -> None:  # type: ignore[no-untyped-def]
    app = TbtuiApp(str(CORPUS / "torch_mnist_like"))
    async with app.run_test(size=(120, 36)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        await pilot.press("7")
        pane = app.query_one(ImagesPane)
        await tb.wait_for(
            pilot, lambda: any(v.image is not None for v in shown_views(pane)), what="an image to be drawn"
        )
        (view,) = shown_views(pane)
        assert view.image is not None and view.image.size == (112, 112)
        assert pillow_available()


@needs_extra
async def test_enter_shows_one_sample_at_the_full_pane_size() -> None:
    ld = Logdir(str(CORPUS / "tf2")).load_all()
    pane = ImagesPane()
    app = Host(pane)
    async with app.run_test(size=(120, 36)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        series = ld.runs["custom_loop"].blobs["inputs"]
        side_by_side = shown_views(pane)[0].cells
        lst = pane.query_one(SeriesList)
        lst.focus()
        await pilot.press("enter")  # from the list: one image, the list hidden
        await pilot.pause()
        assert pane.zoomed and not lst.display and app.focused is pane.query_one(StepSlider)
        (view,) = shown_views(pane)
        assert view.cells[0] > side_by_side[0] and view.cells[1] > side_by_side[1]
        assert caption(pane).startswith("sample 1 of 3 · 8×8")

        def drawn() -> bytes:
            return view.image.tobytes()  # type: ignore[union-attr]

        def expected(i: int) -> bytes:
            return decode(series.items[3][i].encoded).image.tobytes()  # type: ignore[union-attr]

        assert drawn() == expected(0)
        await pilot.press("n")
        await pilot.pause()
        assert caption(pane).startswith("sample 2 of 3") and drawn() == expected(1)
        await pilot.press("escape")
        await pilot.pause()
        assert not pane.zoomed and lst.display and len(shown_views(pane)) == 3
