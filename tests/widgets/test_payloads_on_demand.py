"""The Images and Text tabs read payloads on demand: in a worker, never on the event loop; a file
changed since it was read is a notice in the pane, not a crash."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from textual.widgets import Static

from tests.widgets.pane_host import Host, context
from tui.model import payloads
from tui.model.logdir import Logdir
from tui.model.payloads import CACHE, WARM_BYTES
from tui.tfevents.writer import EventFileWriter, png_bytes
from tui.widgets.images_pane import ImagesPane
from tui.widgets.step_slider import StepSlider
from tui.widgets.text_pane import TextPane

# textual-image 0.12 still calls Image.getdata, deprecated in Pillow 13 (removed in 14).
pytestmark = pytest.mark.filterwarnings("ignore:Image.Image.getdata is deprecated:DeprecationWarning")


async def until(pilot, condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def image_logdir(root: Path, steps: int) -> Path:
    rng = np.random.default_rng(1)
    with EventFileWriter(str(root / "run"), filename="events.out.tfevents.1.x") as w:
        for s in range(steps):
            png = png_bytes(rng.integers(0, 256, size=(48, 48, 3), dtype=np.uint8))
            assert len(png) > WARM_BYTES  # read again when shown, not kept from the first read
            w.add_image("img", png, 48, 48, step=s, wall_time=1.7e9 + s)
    return root


def _reads_on_ui_thread(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Record the thread of every record read again for a payload."""
    threads: list[str] = []
    real = payloads.read_record

    def spy(*a, **k):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(*a, **k)

    monkeypatch.setattr(payloads, "read_record", spy)
    return threads


async def test_images_are_read_in_a_worker_and_a_truncated_file_is_a_notice(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    ld = Logdir(str(image_logdir(tmp_path, 3))).load_all()
    CACHE.clear()
    threads = _reads_on_ui_thread(monkeypatch)
    pane = ImagesPane()
    app = Host(pane)
    async with app.run_test(size=(100, 30)) as pilot:
        pane.context = context(ld)
        caption = pane.query_one(".images-pane-caption", Static)
        await until(pilot, lambda: "48×48" in caption.content.plain, "the newest image")  # type: ignore[union-attr]
        assert threads and threading.main_thread().name not in threads
        # The file is cut short behind the model's back: the earlier steps cannot be read again.
        path = ld.runs["run"].blobs["img"].snapshot().files[0].path
        assert path is not None
        with open(path, "r+b") as f:
            f.truncate(200)
        CACHE.clear()
        await pilot.press("left_curly_bracket")
        assert pane.query_one(StepSlider).index == 0
        empty = pane.query_one(".images-pane-empty", Static)
        await until(pilot, lambda: "cannot read this step" in empty.content.plain, "the notice")  # type: ignore[union-attr]
        assert "truncated" in empty.content.plain  # type: ignore[union-attr]
        assert any("truncated" in n for n in app.notices)


async def test_a_long_text_is_read_in_the_worker(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with EventFileWriter(str(tmp_path / "run")) as w:
        for s in range(3):
            w.add_text("log", f"entry {s}\n\n" + "word " * 2000, s, 1.7e9 + s)
    ld = Logdir(str(tmp_path)).load_all()
    CACHE.clear()
    threads = _reads_on_ui_thread(monkeypatch)
    pane = TextPane()
    app = Host(pane)
    async with app.run_test(size=(100, 30)) as pilot:
        pane.context = context(ld)

        def shown() -> str:
            return "".join(seg.text for strip in app.screen._compositor.render_strips() for seg in strip)

        await until(
            pilot,
            lambda: len(threads) >= 3 and not pane.rendering and "entry 2" in shown(),
            "texts laid out",
        )
        screen = shown()
        assert "entry 2" in screen and "reading" not in screen
        assert len(threads) == 3 and threading.main_thread().name not in threads
