"""Animated GIF image summaries: ``f`` / ``F`` step through their frames in the Images tab (issue 15).

tensorboardX's ``add_video`` logs a ``Summary.Image`` whose encoded bytes are a GIF (it makes the
GIF with moviepy, which is not installed here): the test makes the GIF with Pillow and logs it
through tensorboardX's own writer exactly as ``add_video`` does, then checks that TensorBoard's
reader sees the same bytes, that every frame decodes to its own pixels, and what the keys change.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from tui.app import TbtuiApp
from tui.model.images import CACHE, decode
from tui.widgets import image_view
from tui.widgets.image_view import ImageView
from tui.widgets.images_pane import ImagesPane
from tui.widgets.key_bar import KeyBar

pytestmark = [
    pytest.mark.skipif(not image_view.graphics_available(), reason="the images extra is not installed"),
    pytest.mark.filterwarnings("ignore:Image.Image.getdata is deprecated:DeprecationWarning"),
]

FRAMES = 5


def gif(frames: int, size: int = 16) -> bytes:
    """An animated GIF whose frame i is uniformly grey level 40 * i."""
    from PIL import Image

    images = [Image.fromarray(np.full((size, size, 3), 40 * i, np.uint8)) for i in range(frames)]
    buf = io.BytesIO()
    images[0].save(buf, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return buf.getvalue()


@pytest.fixture(scope="module")
def logdir(tmp_path_factory) -> str:
    from tensorboardX import SummaryWriter
    from tensorboardX.proto.summary_pb2 import Summary

    root = tmp_path_factory.mktemp("gif")
    with SummaryWriter(str(root / "run")) as w:
        for step in range(2):  # what add_video logs: an Image value holding the GIF bytes
            image = Summary.Image(height=16, width=16, colorspace=3, encoded_image_string=gif(FRAMES))
            w._get_file_writer().add_summary(Summary(value=[Summary.Value(tag="video", image=image)]), step)
    return str(root)


def test_each_frame_decodes_and_tensorboard_reads_the_same_bytes(logdir) -> None:
    acc = EventAccumulator(f"{logdir}/run", size_guidance={"images": 0})
    acc.Reload()
    encoded = acc.Images("video")[0].encoded_image_string
    assert encoded == gif(FRAMES)
    for i in range(FRAMES + 2):
        d = decode(encoded, frame=i)
        assert (d.frames, d.frame) == (FRAMES, i % FRAMES)
        assert d.image.getpixel((0, 0)) == (40 * (i % FRAMES),) * 3
    still = decode(_png())
    assert (still.frames, still.frame) == (1, 0)


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(buf, "PNG")
    return buf.getvalue()


async def test_f_steps_through_the_frames(logdir, tb) -> None:
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("7")
        pane = app.query_one(ImagesPane)

        def shown() -> str:
            return pane.query_one(".images-pane-caption").content.plain

        def pixel() -> tuple[int, ...] | None:
            views = [v for v in pane.query(ImageView).results(ImageView) if v.display]
            return views[0].image.getpixel((0, 0)) if views and views[0].image is not None else None

        await tb.wait_for(pilot, lambda: "frame 1 of 5 (f/F)" in shown(), what="frame 1")
        assert pixel() == (0, 0, 0)
        assert "f Next frame" in app.query_one(KeyBar).render().plain
        assert "[ Earlier step" in app.query_one(KeyBar).render().plain  # two steps: [ ] listed
        await pilot.press("f", "f")
        await tb.wait_for(
            pilot, lambda: "frame 3 of 5" in shown() and pixel() == (80, 80, 80), what="frame 3"
        )
        await pilot.press("F", "F", "F")  # wraps around to the last frame
        await tb.wait_for(pilot, lambda: "frame 5 of 5" in shown() and pixel() == (160, 160, 160), what="5")
        assert CACHE.get(gif(FRAMES), decode_side(pane), 4) is not None  # frames are cached one by one
        assert app.crash is None


def decode_side(pane: ImagesPane) -> int:
    views = [v for v in pane.query(ImageView).results(ImageView) if v.display]
    return views[0].decode_side()


async def test_f_is_not_in_the_key_bar_for_a_still_image(tmp_path, tb) -> None:
    """The key bar listed ``f Next frame (animated GIF)`` on every still image, where f did nothing."""
    from tensorboardX import SummaryWriter
    from tensorboardX.proto.summary_pb2 import Summary

    with SummaryWriter(str(tmp_path / "run")) as w:
        image = Summary.Image(height=4, width=4, colorspace=3, encoded_image_string=_png())
        w._get_file_writer().add_summary(Summary(value=[Summary.Value(tag="still", image=image)]), 0)
    app = TbtuiApp(str(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("7")
        pane = app.query_one(ImagesPane)
        await tb.wait_for(
            pilot,
            lambda: any(v.image is not None for v in pane.query(ImageView).results(ImageView)),
            what="image",
        )
        await pilot.pause()
        bar = app.query_one(KeyBar).render().plain
        assert "Next frame" not in bar and "Earlier step" not in bar, bar  # one still image: no f, no [
