"""The Images tab on hostile and huge images: a notice, not a crash; decodes off the UI thread."""

from __future__ import annotations

import io
import struct
import threading
import zlib

import numpy as np
import pytest
from textual.app import App

from tests.widgets.pane_host import Host, context
from tui.model import images as images_model
from tui.model.logdir import Logdir
from tui.tfevents.writer import EventFileWriter
from tui.widgets import image_view
from tui.widgets.image_view import ImageView
from tui.widgets.images_pane import INLINE_BYTES, ImagesPane
from tui.widgets.step_slider import StepSlider

pytestmark = [
    pytest.mark.skipif(not image_view.graphics_available(), reason="the images extra is not installed"),
    pytest.mark.filterwarnings("ignore:Image.Image.getdata is deprecated:DeprecationWarning"),
]


def screen_text(app: App) -> str:
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` RGB pixels (Pillow's bomb guard trips)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1_100_000)  # 1.1 MB of pixels, as in the audit
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def noise_png(width: int, height: int, seed: int) -> bytes:
    """A PNG that does not compress: larger than INLINE_BYTES, so it is decoded in the worker."""
    from PIL import Image

    arr = np.random.default_rng(seed).integers(0, 255, (height, width, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr, "RGB").save(buf, "PNG", compress_level=0)
    data = buf.getvalue()
    assert len(data) > INLINE_BYTES
    return data


@pytest.fixture(autouse=True)
def empty_cache():
    images_model.CACHE.clear()
    yield
    images_model.CACHE.clear()


async def test_a_decompression_bomb_is_a_notice_not_a_crash(tmp_path) -> None:
    with EventFileWriter(str(tmp_path / "r")) as w:
        w.add_image("bomb", bomb_png(20000, 20000), 20000, 20000, 0)
    pane = ImagesPane()
    app = Host(pane)
    async with app.run_test(size=(120, 36)) as pilot:
        pane.context = context(Logdir(str(tmp_path)).load_all())
        await pilot.pause()
        for _ in range(200):
            if "too large" in screen_text(app):
                break
            await pilot.pause(0.05)
        assert "too large to decode" in screen_text(app)
        assert app.notices and "too large" in app.notices[-1]
        assert app.is_running


async def test_large_images_decode_in_a_worker_newest_first(tmp_path, monkeypatch) -> None:
    steps = 6
    with EventFileWriter(str(tmp_path / "r")) as w:
        for s in range(steps):
            w.add_image("big", noise_png(1500, 300, s), 1500, 300, s)
    real_decode = images_model.decode
    release = threading.Event()
    calls: list[tuple[str, bytes]] = []

    def slow_decode(encoded: bytes, max_side: int = images_model.DEFAULT_MAX_SIDE, frame: int = 0):
        calls.append((threading.current_thread().name, encoded))
        release.wait(10)  # an 8000 x 8000 PNG takes about this long to arrive
        return real_decode(encoded, max_side, frame)

    monkeypatch.setattr(images_model, "decode", slow_decode)
    ld = Logdir(str(tmp_path)).load_all()
    items = ld.runs["r"].blobs["big"].items
    pane = ImagesPane()
    app = Host(pane)
    async with app.run_test(size=(120, 36)) as pilot:
        pane.context = context(ld)
        await pilot.pause()
        view = next(v for v in pane.query(ImageView).results(ImageView) if v.display)
        assert "decoding 1500×300 image" in screen_text(app)  # the UI thread did not wait
        # While the first decode hangs, the keys still work: step back four times.
        pane.query_one(StepSlider).focus()
        for _ in range(4):
            await pilot.press("left")
        await pilot.pause()
        assert pane.index == steps - 5
        release.set()
        for _ in range(200):
            if view.image is not None and not pane.decoding:
                break
            await pilot.pause(0.05)
        assert threading.main_thread().name not in {name for name, _ in calls}
        # The newest step decoded once its turn came; the steps passed over in between never were.
        assert [enc for _, enc in calls] == [items[-1][0].encoded, items[steps - 5][0].encoded]
        assert view.image is not None and view.image.size == (1024, 205)
        assert images_model.CACHE.nbytes <= images_model.CACHE.budget


def test_a_small_file_of_many_pixels_is_not_decoded_on_the_ui_thread() -> None:
    from tui.widgets.images_pane import _small

    z = zlib.compressobj(9)
    idat = b"".join(z.compress(b"\0" * 3001) for _ in range(3000)) + z.flush()  # 3000 x 3000 black
    ihdr = struct.pack(">IIBBBBB", 3000, 3000, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    assert len(png) <= INLINE_BYTES and not _small(png)
