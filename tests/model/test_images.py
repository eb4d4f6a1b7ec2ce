"""Image summaries: decoded at the size their writer recorded, and fitted to a cell grid."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tui.model.images import decode, pillow_available
from tui.model.logdir import Logdir
from tui.render.image_cells import fit_cells, halfcell_pixels, resize_for
from tui.tfevents.decode import ImageData

CORPUS = Path(__file__).parent.parent / "data" / "corpus"

pytestmark = pytest.mark.skipif(not pillow_available(), reason="Pillow (the images extra) is not installed")


def images_of(logdir: str, run: str, tag: str) -> list[list[ImageData]]:
    series = Logdir(str(CORPUS / logdir)).load_all().runs[run].blobs[tag]
    assert series.plugin == "images"
    return series.items


@pytest.mark.parametrize(
    ("logdir", "run", "tag", "size", "per_step"),
    [
        ("torch_mnist_like", "runs/lr_0.1", "samples/train_grid", (112, 112), 1),  # torch add_image
        ("tbx", "exp/sgd_lr1e-1", "decision_surface", (64, 64), 1),  # tensorboardX add_image
        ("tf2", "custom_loop", "inputs", (8, 8), 3),  # tf.summary.image, max_outputs=3
        ("tb_native", "v1_pb", "gradient/image_summary", (32, 32), 1),  # legacy Summary.Image
    ],
)
def test_corpus_images_decode_to_their_recorded_size(
    logdir: str, run: str, tag: str, size: tuple[int, int], per_step: int
) -> None:
    steps = images_of(logdir, run, tag)
    for images in steps:
        assert len(images) == per_step
        for im in images:
            assert (im.width, im.height) == size
            d = decode(im.encoded)
            assert d.error == ""
            assert d.format == "PNG"
            assert d.size == size
            assert d.image is not None and d.image.mode == "RGB"


def test_damaged_bytes_give_a_reason_not_an_exception() -> None:
    d = decode(b"\x89PNG\r\n\x1a\nnot really")
    assert d.image is None
    assert d.error.startswith("cannot decode image")


def test_transparency_is_flattened_on_black() -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (2, 1), (255, 0, 0, 0)).save(buf, "PNG")
    d = decode(buf.getvalue())
    assert d.image is not None and d.image.getpixel((0, 0)) == (0, 0, 0)


def test_fit_cells_keeps_the_aspect_ratio_on_screen() -> None:
    # A square image on 10x20 cells: twice as many columns as rows.
    assert fit_cells(112, 112, 80, 30) == (60, 30)
    assert fit_cells(112, 112, 40, 30) == (40, 20)
    # Small images are enlarged to fill the room.
    assert fit_cells(8, 8, 80, 24) == (48, 24)
    # A wide image is limited by the width.
    assert fit_cells(400, 100, 40, 40) == (40, 5)
    # Other cell shapes (textual-image measures the terminal's).
    assert fit_cells(100, 100, 50, 50, cell_w=8, cell_h=16) == (50, 25)
    # Nothing to draw, or no room.
    assert fit_cells(0, 10, 10, 10) == (0, 0)
    assert fit_cells(10, 10, 0, 10) == (0, 0)
    # Never below one cell when there is room.
    assert fit_cells(1000, 1, 10, 10) == (10, 1)


def test_resize_enlarges_with_nearest_and_shrinks_with_a_box_filter() -> None:
    from PIL import Image

    im = Image.new("RGB", (2, 1))
    im.putpixel((0, 0), (255, 255, 255))
    big = resize_for(im, *halfcell_pixels(4, 1))
    assert big.size == (4, 2)
    assert [big.getpixel((x, 0)) for x in range(4)] == [(255, 255, 255)] * 2 + [(0, 0, 0)] * 2
    small = resize_for(Image.new("RGB", (4, 4), (10, 20, 30)), 2, 2)
    assert small.size == (2, 2) and small.getpixel((1, 1)) == (10, 20, 30)
    assert resize_for(im, 2, 1) is im
